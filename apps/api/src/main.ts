import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigValidationError } from '@app/core';
import { createApp } from './app.factory';

async function bootstrap(): Promise<void> {
  const { app, config } = await createApp();
  await app.listen({ port: config.port, host: config.host });
  new Logger('Bootstrap').log(`MCP Registry listening on http://${config.host}:${config.port}`);
}

bootstrap().catch((error: unknown) => {
  // One clear line, no stack: a bad variable is an operator's typo, not a crash to debug.
  const message =
    error instanceof ConfigValidationError || (error as Error)?.name === 'KeyringConfigError'
      ? (error as Error).message
      : `Startup failed: ${(error as Error)?.message ?? String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
