import type { ProbeResult, ProbeServerInfo, ProbeTool } from '@app/mcp-probe';
import type { ProbeServerInfoDto } from './probe-server-info.dto';
import type { ProbeToolDto } from './probe-tool.dto';

/** What both probe routes (registry servers, custom configurations) say about a probe's findings. */
export function toProbeTools(tools: readonly ProbeTool[]): ProbeToolDto[] {
  return tools.map((tool) => ({ name: tool.name, description: tool.description ?? null }));
}

export function toProbeServerInfo(info: ProbeServerInfo | null): ProbeServerInfoDto | null {
  return info
    ? { name: info.name, version: info.version, protocol_version: info.protocol_version }
    : null;
}

/** The protocol a probe agreed on, as both probe routes show it. */
export function toProbeProtocol(
  result: ProbeResult,
): Pick<ProbeResult, 'protocol_version' | 'protocol_era' | 'transport_deprecated'> {
  return {
    protocol_version: result.protocol_version,
    protocol_era: result.protocol_era,
    transport_deprecated: result.transport_deprecated,
  };
}
