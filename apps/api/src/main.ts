import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { exitGracefullyOnSignals, exitOnStartupFailure, shutdownDrainBudgetMs } from '@app/core';
import { createApp } from './app.factory';

async function bootstrap(): Promise<void> {
  const { app, config, drain } = await createApp();
  await app.listen({ port: config.port, host: config.host });
  const logger = new Logger('Bootstrap');
  logger.log(`MCP Registry listening on http://${config.host}:${config.port}`);

  // The drain starts at the signal, beside the checker's stop: the listener closes at once,
  // requests in flight finish, late ones get the 503 envelope; the pool closes after both.
  exitGracefullyOnSignals(app, config.shutdownTimeoutMs, logger, () =>
    drain.start(shutdownDrainBudgetMs(config.shutdownTimeoutMs)),
  );
}

bootstrap().catch(exitOnStartupFailure);
