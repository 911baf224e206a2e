import type { McpConfigurationEntity, McpHealthSummary, McpServerHealthState } from '@app/dal';
import type { ProbeResult, ProbeServerInfo, ProbeTool } from '@app/mcp-probe';
import type { ConfigurationTestResponseDto } from './dto/configuration-test-response.dto';
import type { ConfigurationToolsResponseDto } from './dto/configuration-tools-response.dto';
import type { McpHealthSummaryResponseDto } from './dto/mcp-health-summary-response.dto';
import type { ProbeServerInfoDto } from './dto/probe-server-info.dto';
import type { ProbeToolDto } from './dto/probe-tool.dto';
import type { ServerProbeResponseDto } from './dto/server-probe-response.dto';

function iso(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}

function toTools(tools: readonly ProbeTool[]): ProbeToolDto[] {
  return tools.map((tool) => ({ name: tool.name, description: tool.description ?? null }));
}

function toServerInfo(info: ProbeServerInfo | null): ProbeServerInfoDto | null {
  return info
    ? { name: info.name, version: info.version, protocol_version: info.protocol_version }
    : null;
}

export function toServerProbeResponse(
  state: McpServerHealthState,
  result: ProbeResult,
): ServerProbeResponseDto {
  return {
    server_id: state.serverId,
    status: state.status,
    last_health_check: iso(state.lastHealthCheck) ?? new Date().toISOString(),
    health_check_error: state.healthCheckError,
    latency_ms: state.latencyMs,
    tool_count: result.ok ? result.tools.length : null,
    consecutive_failures: state.consecutiveFailures,
    tools: toTools(result.tools),
    server_info: toServerInfo(result.server_info),
  };
}

export function toConfigurationTestResponse(
  configuration: McpConfigurationEntity,
  result: ProbeResult,
): ConfigurationTestResponseDto {
  return {
    id: configuration.id,
    connectionStatus: configuration.connectionStatus,
    latency_ms: configuration.latencyMs,
    server_info: toServerInfo(result.server_info),
    tools: toTools(result.tools),
    errorMessage: configuration.errorMessage,
    lastConnectedAt: iso(configuration.lastConnectedAt),
  };
}

export function toConfigurationToolsResponse(
  configuration: McpConfigurationEntity,
  tools: readonly ProbeTool[],
): ConfigurationToolsResponseDto {
  return {
    id: configuration.id,
    tools: toTools(tools),
    lastConnectedAt: iso(configuration.lastConnectedAt),
  };
}

export function toMcpHealthSummaryResponse(summary: McpHealthSummary): McpHealthSummaryResponseDto {
  return {
    total: summary.total,
    healthy: summary.healthy,
    unhealthy: summary.unhealthy,
    unknown: summary.unknown,
    unhealthy_servers: summary.unhealthyServers.map((server) => ({
      server_id: server.serverId,
      server_name: server.serverName,
      organization_id: server.organizationId,
      health_check_error: server.healthCheckError,
      last_health_check: iso(server.lastHealthCheck),
    })),
  };
}
