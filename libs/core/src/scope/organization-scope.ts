import { ForbiddenError } from '../errors/app-error';

/*
 * Which organizations a query may touch. Repositories take an OrganizationScope, never a raw
 * organization id: a scope can only be made by the functions below, each from a caller that is
 * allowed it (a key's own organization, or a platform admin / system actor naming one or all),
 * so a request value cannot reach a query unchecked. The policy (404 for another organization,
 * 403 on create, ...) lives in libs/auth's scope resolver; this file only mints the values. It
 * sits in libs/core because libs/dal (which takes scopes) is below libs/auth (which resolves them).
 */

declare const scopedOrganization: unique symbol;
declare const everyOrganization: unique symbol;
declare const systemActor: unique symbol;

/** An organization id that went through a scope check (never a raw request value). */
export type ScopedOrganizationId = string & { readonly [scopedOrganization]: true };

export interface OneOrganization {
  readonly kind: 'one';
  readonly organizationId: ScopedOrganizationId;
}

/** Every organization: only for platform admins and system actors (see allOrganizations). */
export interface AllOrganizations {
  readonly kind: 'all';
  readonly [everyOrganization]: true;
}

export type OrganizationScope = OneOrganization | AllOrganizations;

/** What a scope is made from: the caller's role and organization (libs/auth's Principal fits). */
export interface ScopeHolder {
  readonly role: string;
  readonly organizationId: string | null;
}

export type PlatformAdminHolder = ScopeHolder & { readonly role: 'platform_admin' };

/** The process itself acting without an API key (the background health checker). */
export interface SystemPrincipal extends ScopeHolder {
  readonly role: 'system';
  readonly organizationId: null;
  readonly name: SystemActorName;
  readonly [systemActor]: true;
}

/**
 * `health-checker`: the background checker. `metrics`: /metrics served without a key
 * (METRICS_PUBLIC=true) reports every organization. `public-catalog`: an anonymous reader of an
 * organization's public catalog (official registry API), which the organization itself opened.
 * `webhook-deliverer`: delivers every organization's webhooks.
 */
export type SystemActorName = 'health-checker' | 'metrics' | 'public-catalog' | 'webhook-deliverer';

/** Those who may name any organization, or all of them. */
export type ScopeAuthority = PlatformAdminHolder | SystemPrincipal;

/** The one system principal of each background actor; there is no other way to make one. */
export function systemPrincipal(name: SystemActorName): SystemPrincipal {
  return Object.freeze({ role: 'system', organizationId: null, name }) as SystemPrincipal;
}

/** The caller's own organization; a caller without one (a platform admin) is refused. */
export function ownOrganization(holder: ScopeHolder): OneOrganization {
  // Every non-platform key has an organization; a key without one is refused, not widened.
  if (!holder.organizationId) throw new ForbiddenError();
  return one(holder.organizationId);
}

/** An organization named by a platform admin or a system actor (existence is not checked). */
export function namedOrganization(
  authority: ScopeAuthority,
  organizationId: string,
): OneOrganization {
  assertAuthority(authority);
  return one(organizationId);
}

export function allOrganizations(authority: ScopeAuthority): AllOrganizations {
  assertAuthority(authority);
  return Object.freeze({ kind: 'all' }) as AllOrganizations;
}

/**
 * The organization of a row read within `scope`: narrows, never widens (a row outside the scope
 * is a bug, not a request error).
 */
export function organizationOfRow(
  scope: OrganizationScope,
  row: { readonly organizationId: string },
): OneOrganization {
  if (scope.kind === 'one') {
    if (scope.organizationId !== row.organizationId) {
      throw new Error('A row outside the scope it was read in');
    }
    return scope;
  }
  return one(row.organizationId);
}

/** Whether `organizationId` is inside the scope. */
export function scopeIncludes(scope: OrganizationScope, organizationId: string): boolean {
  return scope.kind === 'all' || scope.organizationId === organizationId;
}

function one(organizationId: string): OneOrganization {
  return Object.freeze({ kind: 'one', organizationId: organizationId as ScopedOrganizationId });
}

/** The types say who may widen; this holds at run time too (a cast or `any` cannot sneak in). */
function assertAuthority(authority: ScopeAuthority): void {
  const role: string = authority.role;
  if (role !== 'platform_admin' && role !== 'system') {
    throw new ForbiddenError();
  }
}
