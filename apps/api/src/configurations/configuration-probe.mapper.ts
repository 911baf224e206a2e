import type { McpConfigurationEntity } from '@app/dal';
import type { ProbeResult } from '@app/mcp-probe';
import {
  toProbeProtocol,
  toProbeServerInfo,
  toProbeTools,
} from '../shared/probe/probe-result.mapper';
import type { ConfigurationTestResponseDto } from './dto/configuration-test-response.dto';
import type { ConfigurationToolsResponseDto } from './dto/configuration-tools-response.dto';
import type { ConfigurationToolDrift, ConfigurationTools } from './configuration-probe.service';
import { toolsDriftValue } from '../shared/tool-baselines/tool-drift.fields';
import { toToolDriftReport } from '../shared/tool-baselines/tool-drift-report.mapper';
import type { ConfigurationToolDriftReportDto } from '../shared/tool-baselines/tool-drift-report.dto';

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

export function toConfigurationToolsResponse({
  configuration,
  served,
}: ConfigurationTools): ConfigurationToolsResponseDto {
  return {
    id: configuration.id,
    tools: served.tools.map((tool) => ({ ...tool })),
    withheld_tools: served.withheld.map((tool) => ({ name: tool.name, drift: tool.drift })),
    tools_drift: toolsDriftValue(configuration.toolsDrift),
    lastConnectedAt: configuration.lastConnectedAt?.toISOString() ?? null,
  };
}

export function toConfigurationToolDrift(
  drift: ConfigurationToolDrift,
): ConfigurationToolDriftReportDto {
  return {
    id: drift.configuration.id,
    organization_id: drift.configuration.organizationId,
    ...toToolDriftReport(drift.state, drift.snapshot),
  };
}
