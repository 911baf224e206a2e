/** The driver's error code (mysql2 `code`, better-sqlite3 `code`), wrapped by TypeORM or not. */
export function driverErrorCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A write refused by a unique index or a primary key: MySQL says ER_DUP_ENTRY for both; SQLite
 * has a code for each (a duplicate primary key is SQLITE_CONSTRAINT_PRIMARYKEY, not _UNIQUE).
 */
const UNIQUE_VIOLATIONS: ReadonlySet<string> = new Set([
  'ER_DUP_ENTRY',
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);

/** True when a write failed because its key (unique index or primary key) is taken. */
export function isUniqueViolation(error: unknown): boolean {
  const code = driverErrorCode(error);
  return code !== undefined && UNIQUE_VIOLATIONS.has(code);
}

/** SQLite's "another connection holds the lock" (SQLITE_BUSY and its variants): nothing ran. */
export function isSqliteBusy(error: unknown): boolean {
  return /^SQLITE_BUSY/.test(driverErrorCode(error) ?? '');
}

/**
 * The driver's message of a unique violation (it names the index or the columns, which tells
 * which key was taken), or null when `error` is not one.
 */
export function uniqueViolationMessage(error: unknown): string | null {
  if (!isUniqueViolation(error)) return null;
  const candidate = error as { message?: unknown; driverError?: { message?: unknown } };
  return String(candidate.driverError?.message ?? candidate.message ?? '');
}
