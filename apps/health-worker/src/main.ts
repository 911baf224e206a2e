import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { exitGracefullyOnSignals, exitOnStartupFailure } from '@app/core';
import { createHealthWorker } from './health-worker.factory';

async function bootstrap(): Promise<void> {
  const { app, config } = await createHealthWorker();
  const logger = new Logger('HealthWorker');
  logger.log('Health worker started');

  // No new claims; running probes finish and record (bounded by the probe timeout), claims
  // still held are released, the pool closes.
  exitGracefullyOnSignals(app, config.shutdownTimeoutMs, logger);
}

bootstrap().catch(exitOnStartupFailure);
