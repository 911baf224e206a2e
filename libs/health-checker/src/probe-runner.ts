import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/core';
import { McpProber, ProbePolicy, ProbeResult, ProbeTarget } from '@app/mcp-probe';
import { HealthMetrics, ProbeSource } from './health-metrics';

export function probePolicyOf(config: AppConfig): ProbePolicy {
  return {
    timeoutMs: config.health.timeoutMs,
    allowLoopback: config.mcp.allowLoopback,
    denyPrivateNetworks: config.mcp.denyPrivateNetworks,
    stdioEnabled: config.mcp.stdioEnabled,
    stdioAllowlist: config.mcp.stdioCommandAllowlist,
    stdioBaseEnv: config.mcp.stdioBaseEnv,
    caFile: config.mcp.caFile,
    limits: {
      maxMessageBytes: config.mcp.probeMaxMessageBytes,
      maxTotalBytes: config.mcp.probeMaxTotalBytes,
      maxMessages: config.mcp.probeMaxMessages,
    },
  };
}

/** The one prober of the process (policy from config), with every probe counted and timed. */
@Injectable()
export class ProbeRunner {
  private readonly prober: McpProber;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: HealthMetrics,
  ) {
    // Reads MCP_CA_FILE now: a missing file stops the start-up instead of failing every probe.
    this.prober = new McpProber(probePolicyOf(config));
  }

  /**
   * Never throws; answers within HEALTH_CHECK_TIMEOUT_MS plus the prober's cleanup slack.
   * `verdict` rewrites the result before it is counted (OAuth credentials name their failures).
   */
  async probe(
    target: ProbeTarget,
    source: ProbeSource,
    verdict: (result: ProbeResult) => ProbeResult = (result) => result,
  ): Promise<ProbeResult> {
    const started = performance.now();
    const result = verdict(await this.prober.probe(target));
    this.metrics.recordProbe(
      source,
      target.transport,
      result,
      (performance.now() - started) / 1000,
    );
    return result;
  }
}
