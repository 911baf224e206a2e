import { toolsDriftValue } from '../shared/tool-baselines/tool-drift.fields';
import type { McpHealthSummaryWithDrift } from './mcp-health-summary.service';
import type { McpHealthSummaryResponseDto } from './dto/mcp-health-summary-response.dto';

export function toMcpHealthSummaryResponse(
  summary: McpHealthSummaryWithDrift,
): McpHealthSummaryResponseDto {
  return {
    total: summary.total,
    healthy: summary.healthy,
    unhealthy: summary.unhealthy,
    unknown: summary.unknown,
    auth_failures: summary.authFailures,
    unhealthy_servers: summary.unhealthyServers.map((server) => ({
      server_id: server.serverId,
      server_name: server.serverName,
      organization_id: server.organizationId,
      health_check_error: server.healthCheckError,
      health_check_error_kind: server.healthCheckErrorKind,
      last_health_check: server.lastHealthCheck?.toISOString() ?? null,
    })),
    drifted: summary.drifted,
    drifted_servers: summary.driftedServers.map((server) => ({
      server_id: server.serverId,
      server_name: server.serverName,
      organization_id: server.organizationId,
      tools_drift: toolsDriftValue(server.toolsDrift) ?? [],
      drift_detected_at: server.driftDetectedAt?.toISOString() ?? null,
    })),
  };
}
