/** What a statement does to the transaction state; decides what a failure means for a write. */
export type StatementKind = 'begin' | 'commit' | 'rollback' | 'read' | 'write' | 'session';

const PATTERNS: [RegExp, StatementKind][] = [
  [/^\s*(START\s+TRANSACTION|BEGIN)\b/i, 'begin'],
  [/^\s*COMMIT\b/i, 'commit'],
  [/^\s*ROLLBACK\b/i, 'rollback'],
  [/^\s*(SAVEPOINT|RELEASE|SET|USE)\b/i, 'session'],
  [/^\s*(SELECT|SHOW|EXPLAIN|DESCRIBE|DESC|PRAGMA)\b/i, 'read'],
];

export function statementKind(sql: string): StatementKind {
  for (const [pattern, kind] of PATTERNS) if (pattern.test(sql)) return kind;
  // Anything else (INSERT, UPDATE, DELETE, DDL, a WITH ... that may write) counts as a write.
  return 'write';
}
