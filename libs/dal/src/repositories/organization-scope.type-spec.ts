/*
 * Compile-time spec (`npm run typecheck`, part of `npm run lint`): nothing here runs. Each
 * `@ts-expect-error` line must fail to compile; if one ever compiles (a repository accepting a
 * raw organization id again, or "all organizations" made without authority), the directive is
 * unused and tsc fails.
 */
import {
  AllOrganizations,
  allOrganizations,
  namedOrganization,
  OneOrganization,
  OrganizationScope,
  ownOrganization,
  ScopeHolder,
  systemPrincipal,
} from '@app/core';
import type { ApiKeyRepository } from './api-key.repository';
import type { AuditEventRepository } from './audit-event.repository';
import type { HealthCheckRepository } from './health-check.repository';
import type { McpConfigurationRepository } from './mcp-configuration.repository';
import type { McpServerReadRepository, McpServerWriteRepository } from './mcp-server';
import type { RegistryRevisionRepository } from './registry-revision.repository';
import type { TeamRepository } from './team.repository';
import type { Transaction } from '../unit-of-work';

declare const servers: McpServerReadRepository;
declare const serverWrites: McpServerWriteRepository;
declare const configurations: McpConfigurationRepository;
declare const keys: ApiKeyRepository;
declare const teams: TeamRepository;
declare const events: AuditEventRepository;
declare const health: HealthCheckRepository;
declare const revisions: RegistryRevisionRepository;
declare const tx: Transaction;
declare const member: ScopeHolder & { role: 'member' };
declare const platformAdmin: ScopeHolder & { role: 'platform_admin' };
declare const requested: string;

const page = { limit: 10 };
const whole = { wholeOrganization: true } as const;

export async function rawStringsAreNotScopes(): Promise<void> {
  // @ts-expect-error a raw organization id is not a scope
  await servers.findVisible('org_abc', whole, 'srv');
  // @ts-expect-error a raw organization id is not a scope
  await servers.listVisible('org_abc', whole, {}, page);
  // @ts-expect-error a raw organization id is not a scope
  await serverWrites.findForWrite('org_abc', 'srv', tx);
  // @ts-expect-error a raw organization id is not a scope
  await serverWrites.delete('org_abc', 'srv', tx);
  // @ts-expect-error a raw organization id is not a scope
  await configurations.list('org_abc', {}, page);
  // @ts-expect-error a raw organization id is not a scope
  await configurations.findById('org_abc', 'mcp_1');
  // @ts-expect-error a raw organization id is not a scope
  await keys.list('org_abc', page);
  // @ts-expect-error a raw organization id is not a scope
  await teams.findById('org_abc', 'team_1');
  // @ts-expect-error a raw organization id is not a scope
  await events.list('org_abc', {}, page);
  // @ts-expect-error a raw organization id is not a scope
  await health.summary('org_abc', 10);
  // @ts-expect-error a raw organization id is not a scope
  await revisions.current('org_abc');
}

export function scopesCannotBeForged(): void {
  // @ts-expect-error a scope is only made by the functions of libs/core's organization-scope
  const forged: OneOrganization = { kind: 'one', organizationId: requested };
  // @ts-expect-error "all organizations" cannot be written as a literal
  const every: AllOrganizations = { kind: 'all' };
  // @ts-expect-error only a platform admin or a system principal may widen to every organization
  allOrganizations(member);
  // @ts-expect-error only a platform admin or a system principal may name any organization
  namedOrganization(member, requested);
  // @ts-expect-error a system principal is made by systemPrincipal() alone
  allOrganizations({ role: 'system', organizationId: null, name: 'health-checker' });
  void forged;
  void every;
}

export async function scopesThatMayBeMade(): Promise<void> {
  const own: OneOrganization = ownOrganization(member);
  const all: OrganizationScope = allOrganizations(platformAdmin);
  const checker: AllOrganizations = allOrganizations(systemPrincipal('health-checker'));
  await servers.listVisible(own, whole, {}, page);
  await configurations.list(all, {}, page);
  await servers.organizationsOfServerId(checker, 'srv', 2);
  // @ts-expect-error looking a server id up across organizations needs every organization
  await servers.organizationsOfServerId(own, 'srv', 2);
  // @ts-expect-error writes name one organization, never all of them
  await serverWrites.findForWrite(all, 'srv', tx);
  void namedOrganization(platformAdmin, requested);
}
