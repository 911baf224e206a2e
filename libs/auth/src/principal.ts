export const ROLES = [
  'platform_admin',
  'org_admin',
  'member',
  'viewer',
  'service',
  'health_monitor',
] as const;

export type Role = (typeof ROLES)[number];

/**
 * Who is calling, built from the API key alone (never from the request body). A platform admin
 * has no organization; every other key belongs to exactly one.
 */
export interface Principal {
  keyId: string;
  userId: string | null;
  organizationId: string | null;
  role: Role;
  /** The key's own access groups plus those of its teams, sorted and unique. */
  accessGroups: string[];
  teamIds: string[];
  /** The request this principal acts in (audit events and logs carry it). */
  requestId: string;
}

export type PlatformAdminPrincipal = Principal & { role: 'platform_admin' };

export function isPlatformAdmin(principal: Principal): principal is PlatformAdminPrincipal {
  return principal.role === 'platform_admin';
}

/** Admins and service keys see a whole organization; members and viewers only their groups. */
export function seesWholeOrganization(principal: Principal): boolean {
  return ['platform_admin', 'org_admin', 'service'].includes(principal.role);
}
