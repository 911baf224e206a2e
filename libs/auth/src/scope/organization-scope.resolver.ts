import { Injectable } from '@nestjs/common';
import {
  allOrganizations,
  namedOrganization,
  NotFoundError,
  OneOrganization,
  OrganizationScope,
  ownOrganization,
  ForbiddenError,
  ValidationError,
} from '@app/core';
import { OrganizationRepository } from '@app/dal';
import { isPlatformAdmin, Principal } from '../principal';

/**
 * The one place a request's organization scope is decided (API.md §2). Platform admins reach
 * every organization and may name one; every other key reaches its own, and naming another is a
 * 404 (a 403 on create), never data. Services call one of these once per request and hand the
 * scope to repositories, which accept nothing else.
 */
@Injectable()
export class OrganizationScopeResolver {
  constructor(private readonly organizations: OrganizationRepository) {}

  /**
   * Lists and summaries (`?organization_id=`). A platform admin naming an organization that does
   * not exist gets the same 404 as anyone naming one that is not theirs: every list agrees.
   */
  async listScope(principal: Principal, requested: string | undefined): Promise<OrganizationScope> {
    if (!isPlatformAdmin(principal)) return ownScope(principal, requested, 'Organization');
    if (requested === undefined) return allOrganizations(principal);
    if (!(await this.organizations.exists(requested))) throw new NotFoundError('Organization');
    return namedOrganization(principal, requested);
  }

  /**
   * Routes naming one record by id. A platform admin reaches it in any organization (or in the
   * one named); another key in its own, and naming another is a 404 for `resource`, as if the
   * record did not exist. Existence is the record's lookup's business.
   */
  recordScope(
    principal: Principal,
    requested: string | undefined,
    resource: string,
  ): OrganizationScope {
    if (!isPlatformAdmin(principal)) return ownScope(principal, requested, resource);
    return requested === undefined
      ? allOrganizations(principal)
      : namedOrganization(principal, requested);
  }

  /**
   * The organization a new record goes to: the one named, defaulting to the key's own. Naming
   * another is a 403; a platform admin (who has none) must name one, and it must exist (404).
   */
  async createScope(
    principal: Principal,
    requested: string | undefined,
    records: string,
  ): Promise<OneOrganization> {
    if (isPlatformAdmin(principal)) {
      if (requested === undefined) {
        throw ValidationError.field('organization_id', 'is required for platform admin keys');
      }
      if (!(await this.organizations.exists(requested))) throw new NotFoundError('Organization');
      return namedOrganization(principal, requested);
    }
    const own = ownOrganization(principal);
    if (requested !== undefined && requested !== own.organizationId) {
      throw new ForbiddenError(`This API key cannot create ${records} in another organization`);
    }
    return own;
  }
}

function ownScope(
  principal: Principal,
  requested: string | undefined,
  resource: string,
): OneOrganization {
  const own = ownOrganization(principal);
  if (requested !== undefined && requested !== own.organizationId) {
    throw new NotFoundError(resource);
  }
  return own;
}
