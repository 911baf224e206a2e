import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/core';
import type { Principal } from '@app/auth';
import { HealthCheckRepository, McpServerHealthState, McpServerReadRepository } from '@app/dal';
import { HealthTransitions, serverOutcomeOf, ServerProbeService } from '@app/health-checker';
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
    const outcome = serverOutcomeOf(result, new Date());
    const state = await this.transitions.record(
      owner,
      serverId,
      outcome.status,
      () => this.health.recordProbe(owner, serverId, outcome),
      (recorded) => recorded !== null,
    );
    // Deleted while it was being probed.
    if (!state) throw new NotFoundError('Server');
    return { state, result };
  }
}
