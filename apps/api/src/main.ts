import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigValidationError } from '@app/core';
import { createApp } from './app.factory';

async function bootstrap(): Promise<void> {
  const { app, config } = await createApp();
  await app.listen({ port: config.port, host: config.host });
  const logger = new Logger('Bootstrap');
  logger.log(`MCP Registry listening on http://${config.host}:${config.port}`);

  // Graceful stop: refuse new requests (503 while closing), let in-flight ones finish, close the
  // pool and the workers, then exit 0; a stop that hangs past SHUTDOWN_TIMEOUT_MS exits 1.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received, shutting down`);
    setTimeout(() => {
      process.stderr.write('Shutdown timed out\n');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    // A keep-alive connection whose last request finishes after close() began would hold the
    // server open until its idle timeout: close such connections as soon as they go idle.
    const server = app.getHttpServer();
    setInterval(() => server.closeIdleConnections(), 50).unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
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
