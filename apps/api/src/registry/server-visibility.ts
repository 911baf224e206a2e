import { Principal, seesWholeOrganization } from '@app/auth';
import type { ServerVisibility } from '@app/dal';

/** Which servers of its organization a key reads: admins and service keys all, others by access group. */
export function visibilityOf(principal: Principal): ServerVisibility {
  return seesWholeOrganization(principal)
    ? { wholeOrganization: true }
    : { accessGroups: principal.accessGroups };
}

/**
 * Which servers a key may see the health of and probe: health monitors watch every server of
 * their organization (and see nothing else of it); everyone else what the registry shows them.
 */
export function healthVisibilityOf(principal: Principal): ServerVisibility {
  return principal.role === 'health_monitor'
    ? { wholeOrganization: true }
    : visibilityOf(principal);
}
