import { ServiceUnavailableError } from './app-error';

/** Why the database work of a request could not start or finish. */
export type DatabaseFailureReason =
  /** The work did not finish within DB_QUERY_TIMEOUT_MS (a hung or overloaded database). */
  | 'database_timeout'
  /** The database refused, reset or lost the connection. */
  | 'database_unavailable'
  /** DB_POOL_QUEUE_LIMIT requests already wait for a connection: refused at once. */
  | 'pool_queue_full';

/**
 * Whether the failed database work may have been written:
 * - `false`: certainly not (it never reached the database, or its transaction was still open
 *   when it failed, and a transaction whose connection is gone is rolled back by the database);
 * - `'unknown'`: the COMMIT (or a single auto-committed write) was sent and no answer came.
 */
export type WriteOutcome = false | 'unknown';

const MESSAGES: Record<DatabaseFailureReason, string> = {
  database_timeout: 'The database did not answer in time; retry shortly',
  database_unavailable: 'The database is unavailable; retry shortly',
  pool_queue_full: 'Too many requests are waiting for the database; retry shortly',
};

/** A 503 whose cause is the database; the global filter renders `reason` and `write_committed`. */
export class DatabaseUnavailableError extends ServiceUnavailableError {
  constructor(
    readonly reason: DatabaseFailureReason,
    readonly writeOutcome: WriteOutcome,
  ) {
    super(MESSAGES[reason]);
  }
}
