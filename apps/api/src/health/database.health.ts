import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { APP_CONFIG, AppConfig, DatabaseFailureReason, DatabaseUnavailableError } from '@app/core';
import { DatabasePing } from '@app/dal';

/** The readiness ping answers within this, or within DB_QUERY_TIMEOUT_MS when that is shorter. */
const PING_TIMEOUT_MS = 2_000;

/**
 * Pings the database with a bounded wait of its own (a hung database makes readiness fail fast,
 * it never queues behind the requests it is meant to warn about). DatabasePing re-opens a lost
 * connection, so readiness comes back by itself when the database does.
 */
@Injectable()
export class DatabaseHealthIndicator {
  private readonly logger = new Logger(DatabaseHealthIndicator.name);
  private readonly timeoutMs: number;

  constructor(
    private readonly database: DatabasePing,
    private readonly health: HealthIndicatorService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.timeoutMs = Math.min(PING_TIMEOUT_MS, config.database.queryTimeoutMs);
  }

  async ping(key = 'database') {
    const indicator = this.health.check(key);
    const started = Date.now();
    try {
      await withTimeout(this.database.ping(started + this.timeoutMs), this.timeoutMs);
      return indicator.up();
    } catch (error) {
      const reason: DatabaseFailureReason =
        error instanceof DatabaseUnavailableError ? error.reason : 'database_unavailable';
      this.logger.warn(`database ping failed: ${reason} after ${Date.now() - started} ms`);
      return indicator.down({
        message: reason === 'database_timeout' ? 'database too slow' : 'database unreachable',
        reason,
      });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new DatabaseUnavailableError('database_timeout', false)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
