import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Scope of a read: one organization, or every organization (platform admins only). A symbol
 * rather than null/undefined so that "all organizations" is never reached by accident.
 */
export const ALL_ORGANIZATIONS: unique symbol = Symbol('all organizations');
export type OrganizationScope = string | typeof ALL_ORGANIZATIONS;

/** Adds the scope's condition on `alias.organization_id` to a query. */
export function whereInScope<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  alias: string,
  scope: OrganizationScope,
): SelectQueryBuilder<T> {
  if (scope !== ALL_ORGANIZATIONS) {
    query.andWhere(`${alias}.organization_id = :scopeOrganizationId`, {
      scopeOrganizationId: scope,
    });
  }
  return query;
}

/** Keyset position of the last row of the previous page. */
export interface KeysetAfter {
  createdAt: Date;
  id: string;
}

export interface KeysetPage {
  /** Rows to return; repositories fetch one more to tell whether there is a next page. */
  limit: number;
  after?: KeysetAfter;
}

/** Orders by (created_at, id) and starts after the cursor; fetches `limit + 1` rows. */
export function applyKeyset<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  alias: string,
  page: KeysetPage,
  direction: 'ASC' | 'DESC' = 'ASC',
): SelectQueryBuilder<T> {
  if (page.after) {
    const op = direction === 'ASC' ? '>' : '<';
    query.andWhere(
      `(${alias}.created_at ${op} :afterCreatedAt OR (${alias}.created_at = :afterCreatedAt AND ${alias}.id ${op} :afterId))`,
      { afterCreatedAt: page.after.createdAt, afterId: page.after.id },
    );
  }
  return query
    .orderBy(`${alias}.created_at`, direction)
    .addOrderBy(`${alias}.id`, direction)
    .limit(page.limit + 1);
}
