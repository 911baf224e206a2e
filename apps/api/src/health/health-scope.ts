import { ForbiddenError, NotFoundError } from '@app/core';
import { isPlatformAdmin, Principal } from '@app/auth';
import { ALL_ORGANIZATIONS, OrganizationScope, ServerVisibility } from '@app/dal';
import { visibilityOf } from '../registry/server-registry.service';

/**
 * The organizations a health route looks at: platform admins every one (or the one they name),
 * other keys their own; naming another organization is a 404 (API.md §2).
 */
export function healthScope(
  principal: Principal,
  requested: string | undefined,
): OrganizationScope {
  if (isPlatformAdmin(principal)) return requested ?? ALL_ORGANIZATIONS;
  if (!principal.organizationId) throw new ForbiddenError();
  if (requested !== undefined && requested !== principal.organizationId) {
    throw new NotFoundError('Organization');
  }
  return principal.organizationId;
}

/** Health monitors watch every server of their organization; others see what the registry shows them. */
export function healthVisibility(principal: Principal): ServerVisibility {
  return principal.role === 'health_monitor'
    ? { wholeOrganization: true }
    : visibilityOf(principal);
}
