import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, DatabaseFailureReason, DatabaseUnavailableError } from '@app/core';
import { withDatabaseDeadline } from '@app/dal';

/** The readiness ping answers within this, or within DB_QUERY_TIMEOUT_MS when that is shorter. */
const PING_TIMEOUT_MS = 2_000;

/**
 * Pings the database with a bounded wait of its own (a hung database makes readiness fail fast,
 * it never queues behind the requests it is meant to warn about). A connection the app lost (an
 * SQLite handle closed, a pool torn down) is re-opened here, so readiness comes back by itself
 * when the database does.
 */
@Injectable()
export class DatabaseHealthIndicator {
  private readonly logger = new Logger(DatabaseHealthIndicator.name);
  private reconnecting: Promise<unknown> | null = null;
  private readonly timeoutMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly health: HealthIndicatorService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.timeoutMs = Math.min(PING_TIMEOUT_MS, config.database.queryTimeoutMs);
  }

  async ping(key = 'database') {
    const indicator = this.health.check(key);
    const started = Date.now();
    try {
      await withTimeout(this.pingOnce(started + this.timeoutMs), this.timeoutMs);
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

  private async pingOnce(deadlineAt: number): Promise<void> {
    if (!this.dataSource.isInitialized) {
      this.reconnecting ??= this.dataSource.initialize().finally(() => (this.reconnecting = null));
      await this.reconnecting;
    }
    await withDatabaseDeadline(deadlineAt, () => this.dataSource.query('SELECT 1'));
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
