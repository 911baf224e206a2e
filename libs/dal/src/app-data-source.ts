import {
  DataSource,
  DataSourceOptions,
  EntityManager,
  QueryRunner,
  ReplicationMode,
} from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import { DatabaseLimits, DEFAULT_DATABASE_LIMITS } from '@app/core';
import { dialectOfConnection, sharesOneConnection } from './dialect';
import { databaseDeadline, withDatabaseDeadline } from './limits/database-deadline';
import { guardQueryRunner } from './limits/guarded-query-runner';
import { TransactionTurns } from './limits/transaction-turns';

type Work<T> = (manager: EntityManager) => Promise<T>;

/**
 * The app's DataSource. Every query runner it hands out is bounded by DB_QUERY_TIMEOUT_MS
 * (limits/), and a transaction's deadline counts from the moment it is asked for. On SQLite,
 * better-sqlite3 gives TypeORM one shared connection, so transactions take turns there (bounded
 * by DB_POOL_QUEUE_LIMIT); MySQL pools connections (its pool queue has the same bound).
 */
export class AppDataSource extends DataSource {
  private readonly turns: TransactionTurns;

  constructor(
    options: DataSourceOptions,
    readonly limits: DatabaseLimits = DEFAULT_DATABASE_LIMITS,
  ) {
    super(options);
    this.turns = new TransactionTurns(limits.poolQueueLimit);
  }

  override createQueryRunner(mode?: ReplicationMode): QueryRunner {
    return guardQueryRunner(super.createQueryRunner(mode), this.limits, dialectOfConnection(this));
  }

  override transaction<T>(work: Work<T>): Promise<T>;
  override transaction<T>(isolationLevel: IsolationLevel, work: Work<T>): Promise<T>;
  override transaction<T>(levelOrWork: IsolationLevel | Work<T>, maybeWork?: Work<T>): Promise<T> {
    const deadlineAt = databaseDeadline() ?? Date.now() + this.limits.queryTimeoutMs;
    const run = () =>
      withDatabaseDeadline(deadlineAt, () =>
        typeof levelOrWork === 'function'
          ? super.transaction(levelOrWork)
          : super.transaction(levelOrWork, maybeWork!),
      );
    if (!sharesOneConnection(dialectOfConnection(this))) return run();
    return this.turns.run(deadlineAt, run);
  }
}
