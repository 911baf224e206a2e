import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/core';
import type { Principal } from '@app/auth';
import { HealthCheckRepository, McpServerHealthState, McpServerReadRepository } from '@app/dal';
import {
  HealthTransitions,
  serverOutcomeOf,
  ServerProbeService,
  ToolDriftDetector,
} from '@app/health-checker';
import type { ProbeResult } from '@app/mcp-probe';
import { ServerReadsService } from './server-reads.service';
import { healthVisibilityOf } from './server-visibility';

export interface ServerProbeReport {
  state: McpServerHealthState;
  result: ProbeResult;
}

/**
 * Probe-now for registry servers (libs/health-checker probes with the server's own transport and
 * secrets, and records the outcome): the caller must be able to see the server (else 404).
 */
@Injectable()
export class ServerProbeNowService {
  constructor(
    private readonly servers: McpServerReadRepository,
    private readonly health: HealthCheckRepository,
    private readonly probes: ServerProbeService,
    private readonly registry: ServerReadsService,
    private readonly transitions: HealthTransitions,
    private readonly drift: ToolDriftDetector,
  ) {}

  async probeNow(
    principal: Principal,
    serverId: string,
    organizationId: string | undefined,
  ): Promise<ServerProbeReport> {
    const owner = await this.registry.ownerOf(principal, serverId, organizationId);
    const visible = await this.servers.findVisible(owner, healthVisibilityOf(principal), serverId);
    if (!visible) throw new NotFoundError('Server');
    const target = await this.health.findProbeTarget(owner, serverId);
    if (!target) throw new NotFoundError('Server');

    const result = await this.probes.probe(target, 'on_demand');
    const checkedAt = new Date();
    const outcome = serverOutcomeOf(result, checkedAt);
    const recorded = await this.transitions.record(
      owner,
      serverId,
      outcome.status,
      () => this.health.recordProbe(owner, serverId, outcome),
      (written) => written !== null,
    );
    // Deleted while it was being probed.
    if (!recorded) throw new NotFoundError('Server');
    const tools = await this.drift.observe(
      owner,
      { kind: 'mcp_server', id: serverId },
      result,
      checkedAt,
      target,
    );
    const state = tools?.state ? { ...recorded, ...tools.state } : recorded;
    return { state, result };
  }
}
