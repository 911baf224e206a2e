import { ForbiddenError, NotFoundError } from '@app/core';
import { isPlatformAdmin, Principal } from '@app/auth';
import { ALL_ORGANIZATIONS, OrganizationScope } from '@app/dal';

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
