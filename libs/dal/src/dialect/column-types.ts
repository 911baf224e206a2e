import { TableColumnOptions, TableForeignKey } from 'typeorm';
import type { Dialect } from './dialect';

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

/** A foreign key from `column` to `table`.`ref` whose rows go when the referenced row goes. */
export function cascadeTo(column: string, table: string, ref = 'id'): TableForeignKey {
  return new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: [ref],
    onDelete: 'CASCADE',
  });
}
