import type { McpServerHealthView, McpServerView, ServerReach } from '@app/dal';
import { AccessGroupsResponseDto } from './dto/access-groups-response.dto';
import { ServerHealthDto } from './dto/server-health.dto';
import { ServerResponseDto } from './dto/server-response.dto';
import { credentialTypeOf } from '../shared/credentials/credentials.schema';
import { maskKeys } from './secret-mask';
import { toToolDriftFields } from '../shared/tool-baselines/tool-drift.fields';

const NO_REACH: ServerReach = { accessGroups: [], teams: [] };

export interface ServerResponseOptions {
  /** Viewer keys see neither where the server runs nor how it is started. */
  hideConnection: boolean;
}

function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}

function maskedCredentials(server: McpServerView): Record<string, string> | null {
  const type = credentialTypeOf(server.authType);
  if (server.credentialKeys === null || type === null) return null;
  return { type, ...maskKeys(server.credentialKeys) };
}

/** The one shape of a registry server in every response (seed 004 fields first). */
export function toServerResponse(
  server: McpServerView,
  reach: ServerReach | undefined,
  options: ServerResponseOptions,
): ServerResponseDto {
  const { accessGroups, teams } = reach ?? NO_REACH;
  const hide = options.hideConnection;
  return {
    server_id: server.serverId,
    server_name: server.serverName,
    alias: server.alias,
    description: server.description,
    url: hide ? null : server.url,
    transport: server.transport,
    spec_version: server.specVersion,
    auth_type: server.authType,
    created_at: server.createdAt.toISOString(),
    created_by: server.createdBy,
    updated_at: server.updatedAt.toISOString(),
    updated_by: server.updatedBy,
    teams: teams.map((team) => ({
      team_id: team.teamId,
      team_alias: team.name,
      organization_id: server.organizationId,
    })),
    mcp_access_groups: accessGroups,
    mcp_info: server.mcpInfo,
    status: server.status,
    last_health_check: iso(server.lastHealthCheck),
    health_check_error: server.healthCheckError,
    command: hide ? null : server.command,
    args: hide ? null : server.args,
    env: hide ? null : maskKeys(server.envKeys),
    organization_id: server.organizationId,
    allowed_tools: server.allowedTools,
    credentials: maskedCredentials(server),
    has_credentials: server.credentialKeys !== null,
    tool_count: server.toolCount,
    latency_ms: server.latencyMs,
    consecutive_failures: server.consecutiveFailures,
    health_check_enabled: server.healthCheckEnabled,
    protocol_version: server.protocolVersion,
    protocol_era: server.protocolEra,
    transport_deprecated: server.transportDeprecated,
    ...toToolDriftFields(server),
    version: server.serverVersion,
    catalog_public: server.catalogPublic,
  };
}

export function toServerHealth(health: McpServerHealthView): ServerHealthDto {
  return {
    server_id: health.serverId,
    organization_id: health.organizationId,
    status: health.status,
    last_health_check: iso(health.lastHealthCheck),
    health_check_error: health.healthCheckError,
    latency_ms: health.latencyMs,
  };
}

export function toAccessGroupsResponse(accessGroups: string[]): AccessGroupsResponseDto {
  return { access_groups: accessGroups };
}
