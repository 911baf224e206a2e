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
