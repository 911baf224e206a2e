import {
  DatabaseFailureReason,
  DatabaseUnavailableError,
  isDatabaseUnavailableError,
  WriteOutcome,
} from '@app/core';
import { driverErrorCode, isSqliteBusy } from '../dialect';
import type { StatementKind } from './statement-kind';

/** Whether the failed statement may have reached the database. */
export type FailurePhase = 'not_sent' | 'sent';

/**
 * What a failure leaves written. Nothing when the statement was never sent, or when a
 * transaction was still open (its connection is closed or it is rolled back, and a database
 * rolls back a transaction whose connection is gone). Unknown when a COMMIT, or a write outside
 * a transaction (auto-committed), was sent and no answer came.
 */
export function writeOutcomeOf(
  phase: FailurePhase,
  kind: StatementKind,
  inTransaction: boolean,
): WriteOutcome {
  if (phase === 'not_sent') return false;
  if (kind === 'commit') return 'unknown';
  if (inTransaction) return false;
  return kind === 'write' ? 'unknown' : false;
}

export function databaseTimeout(
  phase: FailurePhase,
  kind: StatementKind,
  inTransaction: boolean,
): DatabaseUnavailableError {
  return new DatabaseUnavailableError(
    'database_timeout',
    writeOutcomeOf(phase, kind, inTransaction),
  );
}

function reasonOf(error: unknown): DatabaseFailureReason | null {
  const message = (error as Error | null)?.message ?? '';
  if (/Queue limit reached/i.test(message)) return 'pool_queue_full';
  if (!isDatabaseUnavailableError(error)) return null;
  const code = driverErrorCode(error);
  return code === 'ETIMEDOUT' || code === 'PROTOCOL_SEQUENCE_TIMEOUT'
    ? 'database_timeout'
    : 'database_unavailable';
}

/**
 * The error a caller sees: a database that is gone, hung or saturated becomes a
 * DatabaseUnavailableError saying what was written; any other error passes through unchanged.
 */
export function classifyDatabaseError(
  error: unknown,
  phase: FailurePhase,
  kind: StatementKind,
  inTransaction: boolean,
): unknown {
  if (error instanceof DatabaseUnavailableError) return error;
  const reason = reasonOf(error);
  if (!reason) return error;
  const notSent = phase === 'not_sent' || reason === 'pool_queue_full' || isSqliteBusy(error);
  return new DatabaseUnavailableError(
    reason,
    writeOutcomeOf(notSent ? 'not_sent' : 'sent', kind, inTransaction),
  );
}
