import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { withDatabaseDeadline } from './limits/database-deadline';

/**
 * One round trip to the database for readiness. A connection the app lost (an SQLite handle
 * closed, a pool torn down) is re-opened first, so readiness comes back by itself when the
 * database does; concurrent pings share one re-open.
 */
@Injectable()
export class DatabasePing {
  private reconnecting: Promise<unknown> | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `SELECT 1`, bounded by `deadlineAt` (epoch ms) instead of the per-query default. */
  async ping(deadlineAt: number): Promise<void> {
    if (!this.dataSource.isInitialized) {
      this.reconnecting ??= this.dataSource.initialize().finally(() => (this.reconnecting = null));
      await this.reconnecting;
    }
    await withDatabaseDeadline(deadlineAt, () => this.dataSource.query('SELECT 1'));
  }
}
