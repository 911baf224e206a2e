/**
 * The one way a JSON document is stored: TypeORM's `simple-json`, a TEXT column on MySQL and on
 * SQLite holding `JSON.stringify` of the value, parsed back on every entity read (null stays
 * null). Not MySQL's JSON type: MariaDB makes that LONGTEXT with a check, SQLite has none, and the
 * documents are never queried inside, so one portable text schema serves both databases and the
 * existing TEXT columns need no migration. Raw SQL reads (not through an entity) get the text.
 */
export const JSON_COLUMN = 'simple-json';

/** What `simple-json` does on an entity read, for the rows raw SQL reads. */
export function fromJsonColumn<T>(raw: unknown): T | null {
  if (raw === null || raw === undefined) return null;
  return (typeof raw === 'string' ? JSON.parse(raw) : raw) as T;
}
