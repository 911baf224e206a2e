import { Logger } from '@nestjs/common';
import { ConfigValidationError } from '../config/app-config';

interface Closable {
  close(): Promise<void>;
}

/** Kept at the end of SHUTDOWN_TIMEOUT_MS for closing the database pool and exiting. */
export const SHUTDOWN_CLOSE_RESERVE_MS = 2_000;

/**
 * SHUTDOWN_TIMEOUT_MS is the whole stop, signal to exit. The draining phases (HTTP connections,
 * the background checker) run side by side and each may take this much of it; the rest is for
 * closing the pool.
 */
export function shutdownDrainBudgetMs(shutdownTimeoutMs: number): number {
  return Math.max(Math.floor(shutdownTimeoutMs / 2), shutdownTimeoutMs - SHUTDOWN_CLOSE_RESERVE_MS);
}

/**
 * Graceful stop on SIGTERM/SIGINT: `beforeClose` runs first (the API starts draining its
 * connections there), then the app closes (the checker stops, HTTP drains, the pool closes last)
 * and the process exits 0; a stop that hangs past `timeoutMs` exits 1.
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
