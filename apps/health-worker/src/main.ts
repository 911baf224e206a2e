import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigValidationError } from '@app/core';
import { createHealthWorker } from './health-worker.factory';

async function bootstrap(): Promise<void> {
  const { app, config } = await createHealthWorker();
  const logger = new Logger('HealthWorker');
  logger.log('Health worker started');

  // Graceful stop: no new claims, running probes finish and record (bounded by the probe
  // timeout), claims still held are released, the pool closes, exit 0; a stop that hangs past
  // SHUTDOWN_TIMEOUT_MS exits 1.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received, shutting down`);
    setTimeout(() => {
      process.stderr.write('Shutdown timed out\n');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

bootstrap().catch((error: unknown) => {
  const message =
    error instanceof ConfigValidationError || (error as Error)?.name === 'KeyringConfigError'
      ? (error as Error).message
      : `Startup failed: ${(error as Error)?.message ?? String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
