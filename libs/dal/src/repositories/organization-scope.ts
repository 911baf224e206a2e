import type { ObjectLiteral, SelectQueryBuilder, UpdateQueryBuilder } from 'typeorm';
import type { OrganizationScope } from '@app/core';

/** Adds the scope's condition on `alias.organization_id` to a query builder. */
export function whereInScope<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  alias: string,
  scope: OrganizationScope,
): SelectQueryBuilder<T> {
  if (scope.kind === 'one') {
    query.andWhere(`${alias}.organization_id = :scopeOrganizationId`, {
      scopeOrganizationId: scope.organizationId,
    });
  }
  return query;
}

/** Adds the scope's condition on `organization_id` to an UPDATE. */
export function updateInScope<T extends ObjectLiteral>(
  query: UpdateQueryBuilder<T>,
  scope: OrganizationScope,
): UpdateQueryBuilder<T> {
  if (scope.kind === 'one') {
    query.andWhere('organization_id = :scopeOrganizationId', {
      scopeOrganizationId: scope.organizationId,
    });
  }
  return query;
}

/** The scope as a raw SQL condition on `column` ("1 = 1" for every organization). */
export function scopeCondition(
  scope: OrganizationScope,
  column: string,
): { sql: string; params: unknown[] } {
  return scope.kind === 'all'
    ? { sql: '1 = 1', params: [] }
    : { sql: `${column} = ?`, params: [scope.organizationId] };
}

/** The scope as a TypeORM `where` fragment (nothing for every organization). */
export function scopeWhere(scope: OrganizationScope): { organizationId?: string } {
  return scope.kind === 'one' ? { organizationId: scope.organizationId } : {};
}
