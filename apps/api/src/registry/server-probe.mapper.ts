import type { McpServerHealthState } from '@app/dal';
import type { ProbeResult } from '@app/mcp-probe';
import {
  toProbeProtocol,
  toProbeServerInfo,
  toProbeTools,
} from '../shared/probe/probe-result.mapper';
import type { ServerProbeResponseDto } from './dto/server-probe-response.dto';
import { toToolDriftFields } from '../shared/tool-baselines/tool-drift.fields';

export function toServerProbeResponse(
  state: McpServerHealthState,
  result: ProbeResult,
): ServerProbeResponseDto {
  return {
    server_id: state.serverId,
    status: state.status,
    last_health_check: state.lastHealthCheck
      ? state.lastHealthCheck.toISOString()
      : new Date().toISOString(),
    health_check_error: state.healthCheckError,
    health_check_error_kind: result.ok ? null : result.error_kind,
    latency_ms: state.latencyMs,
    tool_count: result.ok ? result.tools.length : null,
    consecutive_failures: state.consecutiveFailures,
    tools: toProbeTools(result.tools),
    server_info: toProbeServerInfo(result.server_info),
    ...toProbeProtocol(result),
    ...toToolDriftFields(state),
  };
}
