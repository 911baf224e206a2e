import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const PING_TIMEOUT_MS = 2_000;

/**
 * Pings the database with a bounded wait. A connection the app lost (an SQLite handle closed, a
 * pool torn down) is re-opened here, so readiness comes back by itself when the database does.
 */
@Injectable()
export class DatabaseHealthIndicator {
  private readonly logger = new Logger(DatabaseHealthIndicator.name);
  private reconnecting: Promise<unknown> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly health: HealthIndicatorService,
  ) {}

  async ping(key = 'database') {
    const indicator = this.health.check(key);
    try {
      await withTimeout(this.pingOnce(), PING_TIMEOUT_MS);
      return indicator.up();
    } catch (error) {
      this.logger.warn(`database ping failed: ${(error as Error).name}`);
      return indicator.down({ message: 'database unreachable' });
    }
  }

  private async pingOnce(): Promise<void> {
    if (!this.dataSource.isInitialized) {
      this.reconnecting ??= this.dataSource.initialize().finally(() => (this.reconnecting = null));
      await this.reconnecting;
    }
    await this.dataSource.query('SELECT 1');
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
