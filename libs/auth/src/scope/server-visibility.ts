import type { ServerVisibility } from '@app/dal';
import { Principal, seesWholeOrganization } from '../principal';

/**
 * Which registry servers of its organization a key sees (API.md §2): admins and service keys
 * all of them, members and viewers those without access groups or sharing one of theirs.
 */
export function serverVisibilityOf(principal: Principal): ServerVisibility {
  return seesWholeOrganization(principal)
    ? { wholeOrganization: true }
    : { accessGroups: principal.accessGroups };
}

/** Health monitors watch every server of their organization (and see nothing else of it). */
export function healthVisibilityOf(principal: Principal): ServerVisibility {
  return principal.role === 'health_monitor'
    ? { wholeOrganization: true }
    : serverVisibilityOf(principal);
}
