import { randomBytes } from 'node:crypto';
import type { Role } from '@app/auth';
import type { AppClient, HttpResult } from './test-app';

export interface OrganizationBody {
  organization_id: string;
  name: string;
  created_at: string;
}

export interface ApiKeyBody {
  key_id: string;
  /** The secret: present in create and rotate responses only. */
  key: string;
  key_prefix: string;
  name: string;
  organization_id: string | null;
  role: Role;
  user_id: string;
  access_groups: string[];
  team_ids: string[];
  created_at: string;
  expires_at: string | null;
}

export interface TeamBody {
  team_id: string;
  name: string;
  organization_id: string;
  access_groups: string[];
  created_at: string;
  updated_at: string;
}

export interface CreateKeyOptions {
  /** null only for a platform_admin key. */
  organizationId: string | null;
  role: Role;
  accessGroups?: string[];
  teamIds?: string[];
  userId?: string;
  /** ISO-8601 instant or Date. */
  expiresAt?: string | Date;
  name?: string;
}

function suffix(): string {
  return randomBytes(4).toString('hex');
}

function expectCreated<T>(what: string, res: HttpResult<T>): T {
  if (res.status !== 201) {
    throw new Error(`creating ${what} answered ${res.status}: ${res.text}`);
  }
  return res.body;
}

/** A new organization, created by the platform admin bootstrap key. */
export async function createOrg(t: AppClient, name = `Org ${suffix()}`): Promise<OrganizationBody> {
  const res = await t.request<OrganizationBody>('POST', '/v1/organizations', {
    key: t.adminKey,
    body: { name },
  });
  return expectCreated('an organization', res);
}

/** A new API key (secret in `key`), created by the platform admin bootstrap key. */
export async function createKey(t: AppClient, options: CreateKeyOptions): Promise<ApiKeyBody> {
  const body: Record<string, unknown> = {
    name: options.name ?? `${options.role} key ${suffix()}`,
    role: options.role,
    access_groups: options.accessGroups ?? [],
    team_ids: options.teamIds ?? [],
  };
  if (options.organizationId !== null) body.organization_id = options.organizationId;
  if (options.userId !== undefined) body.user_id = options.userId;
  if (options.expiresAt !== undefined) {
    body.expires_at =
      options.expiresAt instanceof Date ? options.expiresAt.toISOString() : options.expiresAt;
  }
  const res = await t.request<ApiKeyBody>('POST', '/v1/api-keys', { key: t.adminKey, body });
  return expectCreated(`a ${options.role} key`, res);
}

/** A new team of `organizationId` granting `accessGroups`, created by the platform admin key. */
export async function createTeam(
  t: AppClient,
  organizationId: string,
  accessGroups: string[],
  name = `Team ${suffix()}`,
): Promise<TeamBody> {
  const res = await t.request<TeamBody>('POST', '/v1/teams', {
    key: t.adminKey,
    body: { name, organization_id: organizationId, access_groups: accessGroups },
  });
  return expectCreated('a team', res);
}
