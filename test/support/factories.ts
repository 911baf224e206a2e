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

/** Eight hex characters, for names and ids that must not collide between tests or runs. */
export function unique(): string {
  return randomBytes(4).toString('hex');
}

function expectCreated<T>(what: string, res: HttpResult<T>): T {
  if (res.status !== 201) {
    throw new Error(`creating ${what} answered ${res.status}: ${res.text}`);
  }
  return res.body;
}

/** A new organization, created by the platform admin bootstrap key. */
export async function createOrg(t: AppClient, name = `Org ${unique()}`): Promise<OrganizationBody> {
  const res = await t.request<OrganizationBody>('POST', '/v1/organizations', {
    key: t.adminKey,
    body: { name },
  });
  return expectCreated('an organization', res);
}

/** A new API key (secret in `key`), created by the platform admin bootstrap key. */
export async function createKey(t: AppClient, options: CreateKeyOptions): Promise<ApiKeyBody> {
  const body: Record<string, unknown> = {
    name: options.name ?? `${options.role} key ${unique()}`,
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
  name = `Team ${unique()}`,
): Promise<TeamBody> {
  const res = await t.request<TeamBody>('POST', '/v1/teams', {
    key: t.adminKey,
    body: { name, organization_id: organizationId, access_groups: accessGroups },
  });
  return expectCreated('a team', res);
}

/** The response of POST /v1/mcp/server (the fields the suites read; the rest as JSON). */
export interface ServerBody {
  server_id: string;
  server_name: string;
  alias: string;
  transport: string;
  url: string | null;
  organization_id: string;
  [field: string]: any;
}

/**
 * A registry server request: an sse server at mcp.example.com with a fresh name, unless
 * `overrides` say otherwise (a `transport` given there brings its own `url` or `command`).
 */
export function serverBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = { server_name: `Server ${unique()}` };
  if (overrides.transport === undefined) {
    base.transport = 'sse';
    base.url = 'https://mcp.example.com/sse';
  }
  return { ...base, ...overrides };
}

/**
 * Registers a server with `key` (the platform admin key when null: then `overrides` must name
 * its `organization_id`); throws unless the answer is 201.
 */
export async function createServer(
  t: AppClient,
  key: string | null,
  overrides: Record<string, unknown> = {},
): Promise<ServerBody> {
  const res = await t.request<ServerBody>('POST', '/v1/mcp/server', {
    key: key ?? t.adminKey,
    body: serverBody(overrides),
  });
  return expectCreated('a server', res);
}

/** The response of POST /v1/mcp-configurations (the fields the suites read; the rest as JSON). */
export interface ConfigurationBody {
  id: string;
  name: string;
  organization_id: string;
  has_credentials: boolean;
  [field: string]: any;
}

/** A custom configuration request: streamable HTTP with a bearer token and a fresh name. */
export function configurationBody(
  organizationId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: `Config ${unique()}`,
    organization_id: organizationId,
    server_url: 'https://mcp.example.com/mcp',
    transport_type: 'streamable_http',
    auth_type: 'bearer_token',
    credentials: { type: 'bearer', token: `tok-${unique()}` },
    ...overrides,
  };
}

/** Creates a custom configuration in `organizationId` with `key`; throws unless 201. */
export async function createConfiguration(
  t: AppClient,
  key: string,
  organizationId: string,
  overrides: Record<string, unknown> = {},
): Promise<ConfigurationBody> {
  const res = await t.request<ConfigurationBody>('POST', '/v1/mcp-configurations', {
    key,
    body: configurationBody(organizationId, overrides),
  });
  return expectCreated('a configuration', res);
}

/** A new organization and one key of `role` in it: the opening of most suites. */
export async function orgWithKey(
  t: AppClient,
  role: Role = 'org_admin',
): Promise<{ organizationId: string; key: string }> {
  const organizationId = (await createOrg(t)).organization_id;
  return { organizationId, key: (await createKey(t, { organizationId, role })).key };
}
