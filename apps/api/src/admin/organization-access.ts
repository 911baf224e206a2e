import { ForbiddenError, NotFoundError, ValidationError } from '@app/core';
import { isPlatformAdmin, Principal } from '@app/auth';
import { ALL_ORGANIZATIONS, OrganizationScope } from '@app/dal';

/**
 * The organizations a read may see. Platform admins: the one they name, or all. Everyone else:
 * their own; naming another organization is a 404, never data.
 */
export function readScope(principal: Principal, requested?: string): OrganizationScope {
  if (isPlatformAdmin(principal)) return requested ?? ALL_ORGANIZATIONS;
  if (requested !== undefined && requested !== principal.organizationId) {
    throw new NotFoundError('Organization');
  }
  return ownOrganization(principal);
}

/** Writes on existing rows: platform admins reach every organization, others their own. */
export function writeScope(principal: Principal): OrganizationScope {
  return isPlatformAdmin(principal) ? ALL_ORGANIZATIONS : ownOrganization(principal);
}

/**
 * The organization a new row goes to: the one named, defaulting to the key's own. Naming another
 * organization is a 403; a platform admin (who has none) must name one.
 */
export function createTarget(principal: Principal, requested: string | undefined): string {
  if (isPlatformAdmin(principal)) {
    if (requested === undefined) {
      throw ValidationError.field('organization_id', 'is required for platform admin keys');
    }
    return requested;
  }
  const own = ownOrganization(principal);
  if (requested !== undefined && requested !== own) {
    throw new ForbiddenError('This API key cannot create resources in another organization');
  }
  return own;
}

function ownOrganization(principal: Principal): string {
  // Every non-platform key has an organization; a key without one is refused, not widened.
  if (!principal.organizationId) throw new ForbiddenError();
  return principal.organizationId;
}
