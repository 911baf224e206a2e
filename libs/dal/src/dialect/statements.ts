import type { EntityManager } from 'typeorm';
import { Dialect, dialectOfConnection } from './dialect';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Refuses a name that is not a plain SQL identifier. Names interpolated into SQL come from
 * code, but a typo (or a spec that names `t; DROP TABLE t`) must not run.
 */
export function assertIdentifiers(...names: string[]): void {
  for (const name of names) {
    if (!IDENTIFIER.test(name)) throw new Error(`invalid SQL identifier: ${name}`);
  }
}

/**
 * The instant format TypeORM writes datetime columns in (UTC, milliseconds, no zone): MySQL
 * parses it into DATETIME(3), SQLite stores and compares it as text. Raw SQL comparing a
 * datetime column binds this, never a Date (the drivers would render a Date differently).
 */
export function sqlInstant(value: Date): string {
  return value.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * An INSERT of one row whose `counter` column starts at 1, or, when a row with the same `key`
 * (a primary or unique key) exists, an increment of its `counter` instead, atomically.
 * Parameters: the key columns' values in order.
 */
export function insertOrIncrementSql(
  dialect: Dialect,
  table: string,
  key: readonly string[],
  counter: string,
): string {
  assertIdentifiers(table, counter, ...key);
  const insert =
    `INSERT INTO ${table} (${[...key, counter].join(', ')})` +
    ` VALUES (${key.map(() => '?').join(', ')}, 1)`;
  return dialect === 'mysql'
    ? `${insert} ON DUPLICATE KEY UPDATE ${counter} = ${counter} + 1`
    : `${insert} ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${counter} = ${counter} + 1`;
}

/** Runs insertOrIncrementSql on `manager` with the values of the key columns. */
export async function insertOrIncrement(
  manager: EntityManager,
  table: string,
  key: Readonly<Record<string, string | number>>,
  counter: string,
): Promise<void> {
  const columns = Object.keys(key);
  const sql = insertOrIncrementSql(
    dialectOfConnection(manager.connection),
    table,
    columns,
    counter,
  );
  await manager.query(
    sql,
    columns.map((column) => key[column]),
  );
}

/**
 * Makes the calling transaction the one writer of a row before it reads it, so what it reads is
 * what it overwrites: MySQL locks the row (`SELECT … FOR UPDATE`, held to commit). SQLite has
 * one writer per database and no row locks; a no-op UPDATE as the transaction's first statement
 * takes the database write lock at once (waiting out busy_timeout), as `BEGIN IMMEDIATE` would,
 * and other processes' writes wait until commit. `where` is SQL on the table's own columns.
 */
export async function lockRowForWrite(
  manager: EntityManager,
  table: string,
  where: string,
  params: readonly unknown[],
  noopColumn: string,
): Promise<void> {
  assertIdentifiers(table, noopColumn);
  if (dialectOfConnection(manager.connection) === 'mysql') {
    await manager.query(`SELECT 1 FROM ${table} WHERE ${where} FOR UPDATE`, [...params]);
    return;
  }
  await manager.query(`UPDATE ${table} SET ${noopColumn} = ${noopColumn} WHERE ${where}`, [
    ...params,
  ]);
}

/**
 * Runs one write statement on `manager` and returns how many rows it changed (a query runner's
 * structured result carries the count on both drivers; a bare `query()` does not).
 */
export async function executeCounting(
  manager: EntityManager,
  sql: string,
  params: readonly unknown[],
): Promise<number> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result: { affected?: number } = await runner.query(sql, [...params], true);
    return result.affected ?? 0;
  } finally {
    if (runner !== manager.queryRunner) await runner.release();
  }
}

/**
 * The clause that makes a SELECT inside a transaction lock what it reads until the end of the
 * transaction: `FOR UPDATE` on MySQL; nothing on SQLite, whose transactions begin IMMEDIATE
 * (limits/guarded-query-runner.ts), so the whole database is already this transaction's to write.
 */
export function lockingReadSuffix(manager: EntityManager): string {
  return dialectOfConnection(manager.connection) === 'mysql' ? ' FOR UPDATE' : '';
}

/**
 * Inserts one row unless a row with the same primary or unique key exists (then nothing
 * happens). Columns and values from `row`.
 */
export async function ensureRow(
  manager: EntityManager,
  table: string,
  row: Readonly<Record<string, string | number>>,
): Promise<void> {
  const columns = Object.keys(row);
  assertIdentifiers(table, ...columns);
  const verb =
    dialectOfConnection(manager.connection) === 'mysql' ? 'INSERT IGNORE' : 'INSERT OR IGNORE';
  await manager.query(
    `${verb} INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    columns.map((column) => row[column]),
  );
}

/**
 * SQL text joining string expressions (`CONCAT(a, b)` on MySQL, where `||` means OR; `(a || b)`
 * on SQLite, which has no CONCAT before 3.44). `parts` are SQL expressions written by code.
 */
export function concatSql(dialect: Dialect, parts: readonly string[]): string {
  return dialect === 'mysql' ? `CONCAT(${parts.join(', ')})` : `(${parts.join(' || ')})`;
}

/**
 * The table of an UPDATE of one row by its whole primary key, read through that key alone. With
 * an `organization_id = ?` condition MariaDB may walk a secondary index led by organization_id
 * instead, locking that index's entry before the row: two updates of one row that took the two
 * paths each hold what the other waits for (a deadlock). An update through the primary key alone
 * locks the row only. SQLite has no row locks.
 */
export function byPrimaryKey(dialect: Dialect, table: string): string {
  assertIdentifiers(table);
  return dialect === 'mysql' ? `${table} FORCE INDEX (PRIMARY)` : table;
}
