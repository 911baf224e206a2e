import { FieldError, ValidationError } from '@app/core';
import type {
  McpServerAuthType,
  McpServerInfo,
  McpServerTransport,
  McpSpecVersion,
} from '@app/dal';
import { stdioLaunchProblems } from '@app/mcp-probe';
import type { ServerBodyDto } from './dto/server-body.dto';
import { CheckedCredentials, checkCredentials } from '../shared/credentials/credentials.schema';
import { SECRET_MASK } from './secret-mask';

export const DEFAULT_SPEC_VERSION: McpSpecVersion = '2025-06-18';
export const DEFAULT_TRANSPORT: McpServerTransport = 'sse';

/** A create/replace body after validation, with every default applied. */
export interface ServerInput {
  serverId: string | undefined;
  serverName: string;
  alias: string;
  description: string | null;
  transport: McpServerTransport;
  specVersion: McpSpecVersion;
  authType: McpServerAuthType;
  url: string | null;
  mcpInfo: McpServerInfo;
  command: string | null;
  args: string[];
  /** Values may still be the mask, to be restored from the stored row. */
  env: Record<string, string>;
  /** Fields may still be the mask, to be restored from the stored row. */
  credentials: CheckedCredentials | null;
  accessGroups: string[];
  allowedTools: string[];
  healthCheckEnabled: boolean;
  /** The release; undefined when not sent (a create takes 1.0.0, a replace keeps its own). */
  serverVersion: string | undefined;
  catalogPublic: boolean;
  organizationId: string | undefined;
}

/**
 * The alias default: server_name with each character an alias may not hold (space, dot)
 * replaced by "_", cut to 64 characters.
 */
export function defaultAliasOf(serverName: string): string {
  return serverName.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64);
}

function urlError(value: string | null | undefined): string | null {
  if (value === undefined || value === null || value === '') {
    return 'is required for the sse, http and streamable_http transports';
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http(s) URL';
  // Credentials in the URL would be stored and returned in clear; use `credentials` instead.
  if (url.username || url.password) return 'must not contain user:password@ (use credentials)';
  return null;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * Applies the rules the DTO cannot express (per transport, credentials by auth_type) and the
 * defaults. Every problem is reported at once as a 400 naming its field.
 */
export function normalizeServerInput(
  dto: ServerBodyDto & { server_id?: string },
  stdioCommandAllowlist: readonly string[],
): ServerInput {
  const errors: FieldError[] = [];
  const transport = dto.transport ?? DEFAULT_TRANSPORT;
  const authType = dto.auth_type ?? 'none';

  let url: string | null = null;
  if (transport === 'stdio') {
    // The same rules the prober applies again right before it spawns anything.
    for (const problem of stdioLaunchProblems(dto.command, dto.env ?? {}, stdioCommandAllowlist)) {
      errors.push({ field: problem.field, message: problem.message });
    }
  } else {
    const problem = urlError(dto.url);
    if (problem) errors.push({ field: 'url', message: problem });
    url = dto.url ?? null;
  }

  // Credentials are optional in the registry (API.md §4): absent or `{}` stores none.
  const rawCredentials = dto.credentials ?? {};
  const parsed =
    Object.keys(rawCredentials).length === 0
      ? { credentials: null, errors: [] }
      : checkCredentials(authType, rawCredentials, { keep: SECRET_MASK });
  errors.push(...parsed.errors);
  if (errors.length > 0) throw new ValidationError(errors);

  const info = dto.mcp_info ?? null;
  const cost = info?.mcp_server_cost_info ?? null;
  return {
    serverId: dto.server_id,
    serverName: dto.server_name,
    alias: dto.alias ?? defaultAliasOf(dto.server_name),
    description: dto.description ?? null,
    transport,
    specVersion: dto.spec_version ?? DEFAULT_SPEC_VERSION,
    authType,
    url,
    mcpInfo: {
      server_name: info?.server_name ?? null,
      description: info?.description ?? null,
      logo_url: info?.logo_url ?? null,
      mcp_server_cost_info: {
        default_cost_per_query: cost?.default_cost_per_query ?? 0,
        tool_name_to_cost_per_query: { ...(cost?.tool_name_to_cost_per_query ?? {}) },
      },
    },
    command: dto.command === undefined || dto.command === '' ? null : dto.command,
    args: [...(dto.args ?? [])],
    env: { ...(dto.env ?? {}) },
    credentials: parsed.credentials,
    accessGroups: unique(dto.mcp_access_groups ?? []).sort(),
    allowedTools: unique(dto.allowed_tools ?? []),
    healthCheckEnabled: dto.health_check_enabled ?? true,
    serverVersion: dto.version ?? undefined,
    catalogPublic: dto.catalog_public ?? false,
    organizationId: dto.organization_id,
  };
}

/** An input with its release resolved: the one sent, else `fallback`. */
export type VersionedInput = ServerInput & { serverVersion: string };

/** A create falls back to 1.0.0, a replace to the server's current release. */
export function withServerVersion(input: ServerInput, fallback: string): VersionedInput {
  return { ...input, serverVersion: input.serverVersion ?? fallback };
}
