import { Logger } from '@nestjs/common';
import { ConfigValidationError } from '../config/app-config';

interface Closable {
  close(): Promise<void>;
}

/**
 * Graceful stop on SIGTERM/SIGINT: `beforeClose` runs first (the API closes idle keep-alive
 * connections there), then the app closes (in-flight work finishes, pools close) and the process
 * exits 0; a stop that hangs past `timeoutMs` exits 1.
 */
export function exitGracefullyOnSignals(
  app: Closable,
  timeoutMs: number,
  logger: Logger,
  beforeClose: () => void = () => undefined,
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received, shutting down`);
    setTimeout(() => {
      process.stderr.write('Shutdown timed out\n');
      process.exit(1);
    }, timeoutMs).unref();
    beforeClose();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** One clear line and exit 1: a bad variable is an operator's typo, not a crash to debug. */
export function exitOnStartupFailure(error: unknown): never {
  const message =
    error instanceof ConfigValidationError || (error as Error)?.name === 'KeyringConfigError'
      ? (error as Error).message
      : `Startup failed: ${(error as Error)?.message ?? String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
