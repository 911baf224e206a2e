import type { QueryRunner } from 'typeorm';
import { DatabaseLimits, DatabaseUnavailableError, noteCommittedWrite } from '@app/core';
import { Dialect, isSqliteBusy } from '../dialect';
import { databaseDeadline, raceDeadline } from './database-deadline';
import { classifyDatabaseError, databaseTimeout, FailurePhase } from './database-failure';
import { StatementKind, statementKind } from './statement-kind';

type Query = (sql: string, parameters?: unknown[], structured?: boolean) => Promise<unknown>;

/** The parts of TypeORM's MySQL and SQLite runners the guard relies on. */
interface RunnerInternals {
  query: Query;
  connect(): Promise<unknown>;
  isTransactionActive: boolean;
  isReleased: boolean;
  databaseConnection?: PooledConnection;
}

/** A mysql2 pool connection (callback API, as TypeORM holds it). */
interface PooledConnection {
  release(): void;
  destroy(): void;
  stream?: { destroy(): void };
}

/** A ROLLBACK always gets at least this long, even past its transaction's deadline. */
const ROLLBACK_GRACE_MS = 1_000;
/** Retry pause bounds while SQLite's write lock is held by another connection. */
const BUSY_RETRY_MIN_MS = 2;
const BUSY_RETRY_MAX_MS = 50;

const guarded = new WeakSet<object>();

/**
 * Bounds every query of `runner` by a deadline: DB_QUERY_TIMEOUT_MS from the query's start, or
 * for a transaction from its start (or from `withDatabaseDeadline` around it) to its COMMIT.
 * Past it the caller gets a DatabaseUnavailableError (503) saying whether anything was written.
 * (TypeORM's SQLite driver hands out one shared runner: it is guarded once.)
 */
export function guardQueryRunner<T extends QueryRunner>(
  runner: T,
  limits: DatabaseLimits,
  dialect: Dialect,
): T {
  if (guarded.has(runner)) return runner;
  guarded.add(runner);
  const internals = runner as unknown as RunnerInternals;
  const guard =
    dialect === 'mysql'
      ? new MysqlGuard(internals, limits.queryTimeoutMs)
      : new SqliteGuard(internals, limits.queryTimeoutMs);
  internals.query = guard.query.bind(guard);
  return runner;
}

abstract class Guard {
  protected readonly original: Query;

  constructor(
    protected readonly runner: RunnerInternals,
    protected readonly timeoutMs: number,
  ) {
    this.original = runner.query.bind(runner);
  }

  abstract query(sql: string, parameters?: unknown[], structured?: boolean): Promise<unknown>;

  /** The deadline set around the running code (a transaction, the ready ping), else the default. */
  protected defaultDeadline(): number {
    return databaseDeadline() ?? Date.now() + this.timeoutMs;
  }

  protected succeeded(kind: StatementKind, inTransaction: boolean): void {
    if (kind === 'commit' || (kind === 'write' && !inTransaction)) noteCommittedWrite();
  }

  protected failed(error: unknown, phase: FailurePhase, kind: StatementKind, inTx: boolean) {
    // A transaction that never began has nothing to roll back: TypeORM then skips its ROLLBACK
    // (which on SQLite's shared connection could hit another caller's transaction).
    if (kind === 'begin') this.runner.isTransactionActive = false;
    return classifyDatabaseError(error, phase, kind, inTx);
  }
}

/**
 * MySQL: waiting for a pool connection and running the statement both count against the
 * deadline. A statement past it has its connection destroyed (never returned to the pool, so no
 * later request inherits a hung socket; the server rolls back an open transaction on it), and a
 * connection that arrives after its requester gave up goes straight back to the pool unused.
 */
class MysqlGuard extends Guard {
  private transactionDeadline: number | undefined;
  private broken = false;
  private abandoned = false;
  private acquiring: Promise<unknown> | undefined;

  constructor(runner: RunnerInternals, timeoutMs: number) {
    super(runner, timeoutMs);
    const connect = runner.connect.bind(runner);
    runner.connect = () => {
      if (runner.databaseConnection) return Promise.resolve(runner.databaseConnection);
      this.acquiring ??= connect().then((connection) => {
        if (this.abandoned || runner.isReleased) {
          runner.databaseConnection = undefined;
          (connection as PooledConnection).release();
          throw databaseTimeout('not_sent', 'read', false);
        }
        return connection;
      });
      return this.acquiring;
    };
  }

  async query(sql: string, parameters?: unknown[], structured?: boolean): Promise<unknown> {
    const kind = statementKind(sql);
    const inTransaction = this.runner.isTransactionActive;
    if (kind === 'rollback' && (this.broken || !this.runner.databaseConnection)) {
      // Nothing to roll back: the transaction never got a connection, or its connection was
      // destroyed (and the server rolled it back).
      return structured ? { records: [], raw: [] } : [];
    }
    // An earlier statement lost this connection (and reported why): nothing more is sent on it.
    if (this.broken) throw new DatabaseUnavailableError('database_unavailable', false);
    const deadline = this.deadlineFor(kind);
    if (Date.now() >= deadline) throw databaseTimeout('not_sent', kind, inTransaction);
    if (!this.runner.databaseConnection) {
      try {
        await raceDeadline(this.runner.connect(), deadline, () => {
          this.abandoned = true;
          return databaseTimeout('not_sent', kind, inTransaction);
        });
      } catch (error) {
        this.broken = true;
        throw this.failed(error, 'not_sent', kind, inTransaction);
      }
    }
    try {
      const result = await raceDeadline(
        this.original(sql, parameters, structured),
        deadline,
        () => {
          this.destroyConnection();
          return databaseTimeout('sent', kind, inTransaction);
        },
      );
      this.succeeded(kind, inTransaction);
      return result;
    } catch (error) {
      const classified = this.failed(error, 'sent', kind, inTransaction);
      if (classified !== error || (error as { fatal?: boolean })?.fatal) this.broken = true;
      throw classified;
    }
  }

  /** A transaction's statements share the deadline of its first one; a ROLLBACK gets a grace. */
  private deadlineFor(kind: StatementKind): number {
    if (!this.runner.isTransactionActive) return this.defaultDeadline();
    this.transactionDeadline ??= this.defaultDeadline();
    if (kind !== 'rollback') return this.transactionDeadline;
    const grace = Date.now() + Math.min(this.timeoutMs, ROLLBACK_GRACE_MS);
    return Math.max(this.transactionDeadline, grace);
  }

  protected override succeeded(kind: StatementKind, inTransaction: boolean): void {
    if (kind === 'commit' || kind === 'rollback') this.transactionDeadline = undefined;
    super.succeeded(kind, inTransaction);
  }

  private destroyConnection(): void {
    this.broken = true;
    const connection = this.runner.databaseConnection;
    if (!connection) return;
    connection.destroy();
    // destroy() only half-closes (FIN): a peer that hangs would keep the socket open.
    connection.stream?.destroy();
  }
}

/**
 * SQLite (better-sqlite3 is synchronous): a statement cannot be interrupted, so it must never
 * wait inside SQLite. busy_timeout is 0; a BEGIN (made IMMEDIATE, so the write lock is taken up
 * front and no statement inside the transaction can meet a busy lock) or a statement outside a
 * transaction that finds the database locked is retried after a short timer, which leaves the
 * event loop free, until the deadline. The runner (and connection) is shared: a transaction's
 * deadline comes from `withDatabaseDeadline` around it (AppDataSource.transaction sets it).
 */
class SqliteGuard extends Guard {
  /** A transaction is open on the shared connection. */
  private begun = false;

  async query(sql: string, parameters?: unknown[], structured?: boolean): Promise<unknown> {
    const kind = statementKind(sql);
    const inTransaction = this.runner.isTransactionActive;
    const text =
      kind === 'begin' && /^\s*BEGIN\s+TRANSACTION\s*$/i.test(sql) ? 'BEGIN IMMEDIATE' : sql;
    const deadline = this.defaultDeadline();
    const retryable = kind === 'begin' || !this.begun;
    let pause = BUSY_RETRY_MIN_MS;
    for (;;) {
      if (kind !== 'rollback' && Date.now() >= deadline) {
        throw this.failed(
          databaseTimeout('not_sent', kind, inTransaction),
          'not_sent',
          kind,
          inTransaction,
        );
      }
      try {
        const result = await this.original(text, parameters, structured);
        if (kind === 'begin') this.begun = true;
        if (kind === 'commit' || (kind === 'rollback' && !/\bTO\b/i.test(sql))) this.begun = false;
        this.succeeded(kind, inTransaction);
        return result;
      } catch (error) {
        if (!retryable || !isSqliteBusy(error) || kind === 'rollback') {
          throw this.failed(error, 'sent', kind, inTransaction);
        }
      }
      const wait = Math.min(pause, deadline - Date.now());
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      pause = Math.min(pause * 2, BUSY_RETRY_MAX_MS);
    }
  }
}
