import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { KeysetPosition } from '@app/core';

export interface KeysetPage {
  /** Rows to return; repositories fetch one more to tell whether there is a next page. */
  limit: number;
  /** The last row of the previous page (from the cursor). */
  after?: KeysetPosition;
}

export interface SqlCondition {
  /** Starts with " AND " when not empty, with `?` placeholders. */
  sql: string;
  params: unknown[];
}

/**
 * Rows after `values` in the lexicographic order of `columns`, e.g. for (a, b):
 * `(a > ? OR (a = ? AND b > ?))`, each value written by `param` (which returns its placeholder).
 * The one rendering of "after the cursor" for every list.
 */
function afterValues(
  columns: readonly string[],
  values: readonly unknown[],
  direction: 'ASC' | 'DESC',
  param: (value: unknown) => string,
): string {
  const op = direction === 'ASC' ? '>' : '<';
  const after = (index: number): string => {
    const column = columns[index];
    const value = values[index];
    if (index === columns.length - 1) return `${column} ${op} ${param(value)}`;
    // Placeholders are taken in reading order: the two of this column, then the rest.
    const greater = `${column} ${op} ${param(value)}`;
    const equal = `${column} = ${param(value)}`;
    return `(${greater} OR (${equal} AND ${after(index + 1)}))`;
  };
  return after(0);
}

/** "After the cursor" for raw SQL: ` AND (...)` with `?` placeholders. */
export function keysetCondition(
  columns: readonly string[],
  values: readonly unknown[],
  direction: 'ASC' | 'DESC' = 'ASC',
): SqlCondition {
  const params: unknown[] = [];
  const sql = afterValues(columns, values, direction, (value) => {
    params.push(value);
    return '?';
  });
  return { sql: ` AND ${sql}`, params };
}

/** Orders by (created_at, id) and starts after the cursor; fetches `limit + 1` rows. */
export function applyKeyset<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  alias: string,
  page: KeysetPage,
  direction: 'ASC' | 'DESC' = 'ASC',
): SelectQueryBuilder<T> {
  if (page.after) {
    // Query builders take named parameters.
    const named: Record<string, unknown> = {};
    const where = afterValues(
      [`${alias}.created_at`, `${alias}.id`],
      [page.after.createdAt, page.after.id],
      direction,
      (value) => {
        const name = `keyset_${Object.keys(named).length}`;
        named[name] = value;
        return `:${name}`;
      },
    );
    query.andWhere(where, named);
  }
  return query
    .orderBy(`${alias}.created_at`, direction)
    .addOrderBy(`${alias}.id`, direction)
    .limit(page.limit + 1);
}
