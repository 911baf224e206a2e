import { Injectable } from '@nestjs/common';
import {
  AuthenticationError,
  allOrganizations,
  lookupOfNamespace,
  namedOrganization,
  NotFoundError,
  OneOrganization,
  OrganizationScope,
  ownOrganization,
  ForbiddenError,
  systemPrincipal,
  ValidationError,
} from '@app/core';
import { OrganizationEntity, OrganizationRepository } from '@app/dal';
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
   * Catalog routes name an organization by its registry namespace. A key reads its own (a
   * platform admin any): another organization's, or one that does not exist, is a 404. Without a
   * key only a public catalog opens, as the public-catalog system actor; anything else is a 401,
   * whether the namespace exists or not.
   */
  async catalogScope(principal: Principal | null, namespace: string): Promise<CatalogScope> {
    const organization = await this.organizations.findByRegistryNamespace(
      lookupOfNamespace(namespace),
    );
    if (principal === null) {
      if (!organization?.publicCatalog) throw new AuthenticationError('AUTHENTICATION_REQUIRED');
      const actor = systemPrincipal('public-catalog');
      return { organization, scope: namedOrganization(actor, organization.id), anonymous: true };
    }
    if (!organization) throw new NotFoundError('Server');
    if (isPlatformAdmin(principal)) {
      return {
        organization,
        scope: namedOrganization(principal, organization.id),
        anonymous: false,
      };
    }
    if (organization.id !== principal.organizationId) throw new NotFoundError('Server');
    return { organization, scope: ownOrganization(principal), anonymous: false };
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

/** An organization named by its registry namespace, and the scope a caller reads it in. */
export interface CatalogScope {
  organization: OrganizationEntity;
  scope: OneOrganization;
  /** No API key: the organization's public catalog only. */
  anonymous: boolean;
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
