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
 * ` AND (a > ? OR (a = ? AND b > ?))`. The one rendering of "after the cursor" for every list.
 */
export function keysetCondition(
  columns: readonly string[],
  values: readonly unknown[],
  direction: 'ASC' | 'DESC' = 'ASC',
): SqlCondition {
  const op = direction === 'ASC' ? '>' : '<';
  const after = (index: number): SqlCondition => {
    const column = columns[index];
    const value = values[index];
    if (index === columns.length - 1) return { sql: `${column} ${op} ?`, params: [value] };
    const rest = after(index + 1);
    return {
      sql: `(${column} ${op} ? OR (${column} = ? AND ${rest.sql}))`,
      params: [value, value, ...rest.params],
    };
  };
  const condition = after(0);
  return { sql: ` AND ${condition.sql}`, params: condition.params };
}

/** Orders by (created_at, id) and starts after the cursor; fetches `limit + 1` rows. */
export function applyKeyset<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  alias: string,
  page: KeysetPage,
  direction: 'ASC' | 'DESC' = 'ASC',
): SelectQueryBuilder<T> {
  if (page.after) {
    const { sql, params } = keysetCondition(
      [`${alias}.created_at`, `${alias}.id`],
      [page.after.createdAt, page.after.id],
      direction,
    );
    // Query builders take named parameters: `?` number i becomes `:keyset_i`.
    let index = 0;
    const named: Record<string, unknown> = {};
    const where = sql.slice(' AND '.length).replace(/\?/g, () => {
      named[`keyset_${index}`] = params[index];
      return `:keyset_${index++}`;
    });
    query.andWhere(where, named);
  }
  return query
    .orderBy(`${alias}.created_at`, direction)
    .addOrderBy(`${alias}.id`, direction)
    .limit(page.limit + 1);
}
