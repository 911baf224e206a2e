import { DataSource, EntityManager, TableColumnOptions, TableForeignKey } from 'typeorm';

export type Dialect = 'mysql' | 'sqlite';

/**
 * The few column types that differ between MySQL and SQLite, in one place, so one migration set
 * and one entity set serve both databases.
 */
export function columnTypes(dialect: Dialect) {
  return {
    /** UTC instant with millisecond precision. */
    timestamp: (name: string, nullable = false): TableColumnOptions =>
      dialect === 'mysql'
        ? { name, type: 'datetime', precision: 3, isNullable: nullable }
        : { name, type: 'datetime', isNullable: nullable },
    /** Long text (JSON documents, sealed secrets). */
    text: (name: string, nullable = true): TableColumnOptions => ({
      name,
      type: dialect === 'mysql' ? 'mediumtext' : 'text',
      isNullable: nullable,
    }),
    varchar: (name: string, length: number, nullable = false): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
    }),
    /** Identifiers compare byte-wise (case-sensitive) on both databases. */
    id: (name: string, length = 64, primary = false): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isPrimary: primary,
      isNullable: false,
      ...(dialect === 'mysql' ? { charset: 'ascii', collation: 'ascii_bin' } : {}),
    }),
    bool: (name: string, fallback: boolean): TableColumnOptions => ({
      name,
      type: dialect === 'mysql' ? 'tinyint' : 'boolean',
      isNullable: false,
      default: fallback ? 1 : 0,
    }),
    int: (name: string, nullable = false, fallback?: number): TableColumnOptions => ({
      name,
      type: 'int',
      isNullable: nullable,
      ...(fallback !== undefined ? { default: fallback } : {}),
    }),
    double: (name: string, nullable = true): TableColumnOptions => ({
      name,
      type: dialect === 'mysql' ? 'double' : 'real',
      isNullable: nullable,
    }),
  };
}

export function dialectOf(driverType: string): Dialect {
  return driverType === 'mysql' || driverType === 'mariadb' ? 'mysql' : 'sqlite';
}

/** A foreign key from `column` to `table`.`ref` whose rows go when the referenced row goes. */
export function cascadeTo(column: string, table: string, ref = 'id'): TableForeignKey {
  return new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: [ref],
    onDelete: 'CASCADE',
  });
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
  if (dialectOf(manager.connection.options.type) === 'mysql') {
    await manager.query(`SELECT 1 FROM ${table} WHERE ${where} FOR UPDATE`, [...params]);
    return;
  }
  await manager.query(`UPDATE ${table} SET ${noopColumn} = ${noopColumn} WHERE ${where}`, [
    ...params,
  ]);
}

/**
 * An instant as raw SQL compares it: the format TypeORM writes datetime columns in (UTC, no zone
 * letter), which MySQL parses and SQLite compares as text.
 */
export function sqlInstant(value: Date): string {
  return value.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Runs a checker write in turn with the app's transactions. On SQLite, writes run as
 * transactions, which the app's DataSource makes take turns on the one shared connection: a bare
 * statement issued while another request's transaction is open would silently become part of it
 * (and vanish with its rollback). MySQL pools connections, and each checker statement is correct
 * on its own (a claim's read-back is keyed by its unique owner), so it runs as it is: the
 * checker's throughput is bound by these round trips.
 */
export function runInTurn<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return dialectOf(dataSource.options.type) === 'sqlite'
    ? dataSource.transaction(work)
    : work(dataSource.manager);
}
