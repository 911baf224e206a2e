import type { McpConfigurationEntity } from '@app/dal';
import type { ProbeResult, ProbeTool } from '@app/mcp-probe';
import {
  toProbeProtocol,
  toProbeServerInfo,
  toProbeTools,
} from '../shared/probe/probe-result.mapper';
import type { ConfigurationTestResponseDto } from './dto/configuration-test-response.dto';
import type { ConfigurationToolsResponseDto } from './dto/configuration-tools-response.dto';

export function toConfigurationTestResponse(
  configuration: McpConfigurationEntity,
  result: ProbeResult,
): ConfigurationTestResponseDto {
  return {
    id: configuration.id,
    connectionStatus: configuration.connectionStatus,
    latency_ms: configuration.latencyMs,
    server_info: toProbeServerInfo(result.server_info),
    ...toProbeProtocol(result),
    tools: toProbeTools(result.tools),
    errorMessage: configuration.errorMessage,
    lastConnectedAt: configuration.lastConnectedAt?.toISOString() ?? null,
  };
}

export function toConfigurationToolsResponse(
  configuration: McpConfigurationEntity,
  tools: readonly ProbeTool[],
): ConfigurationToolsResponseDto {
  return {
    id: configuration.id,
    tools: toProbeTools(tools),
    lastConnectedAt: configuration.lastConnectedAt?.toISOString() ?? null,
  };
}
