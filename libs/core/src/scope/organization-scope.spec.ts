import { ForbiddenError } from '../errors/app-error';
import {
  allOrganizations,
  namedOrganization,
  organizationOfRow,
  ownOrganization,
  PlatformAdminHolder,
  ScopeHolder,
  scopeIncludes,
  systemPrincipal,
} from './organization-scope';

const member: ScopeHolder = { role: 'member', organizationId: 'org_a' };
const admin: PlatformAdminHolder = { role: 'platform_admin', organizationId: null };

describe('organization scope', () => {
  it('scopes a key to its own organization and refuses a key without one', () => {
    expect(ownOrganization(member)).toEqual({ kind: 'one', organizationId: 'org_a' });
    expect(() => ownOrganization(admin)).toThrow(ForbiddenError);
  });

  it('lets platform admins and system principals, and no one else, reach every organization', () => {
    expect(allOrganizations(admin).kind).toBe('all');
    expect(allOrganizations(systemPrincipal('health-checker')).kind).toBe('all');
    // What the types refuse is refused at run time too (a cast cannot widen a member's scope).
    expect(() => allOrganizations(member as unknown as PlatformAdminHolder)).toThrow(
      ForbiddenError,
    );
    expect(() => namedOrganization(member as unknown as PlatformAdminHolder, 'org_b')).toThrow(
      ForbiddenError,
    );
    expect(namedOrganization(admin, 'org_b')).toEqual({ kind: 'one', organizationId: 'org_b' });
  });

  it('narrows a scope to the organization of a row read in it, never widens it', () => {
    const all = allOrganizations(admin);
    expect(organizationOfRow(all, { organizationId: 'org_b' }).organizationId).toBe('org_b');
    const own = ownOrganization(member);
    expect(organizationOfRow(own, { organizationId: 'org_a' })).toBe(own);
    expect(() => organizationOfRow(own, { organizationId: 'org_b' })).toThrow();
    expect(scopeIncludes(own, 'org_b')).toBe(false);
    expect(scopeIncludes(all, 'org_b')).toBe(true);
  });

  it('makes values nobody can change', () => {
    const own = ownOrganization(member) as { organizationId: string };
    expect(() => {
      own.organizationId = 'org_b';
    }).toThrow(TypeError);
  });
});
