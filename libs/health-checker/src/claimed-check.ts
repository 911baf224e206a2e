import type { Logger } from '@nestjs/common';
import { UnknownEncryptionKeyError } from '@app/crypto';
import { AllOrganizations, OneOrganization, organizationOfRow } from '@app/core';
import { McpServerClaimRepository, McpServerProbeTarget } from '@app/dal';
import type { ProbeResult } from '@app/mcp-probe';
import { ClaimLeases, errorName } from './claim-leases';
import { ToolDriftDetector } from './drift/tool-drift.detector';
import { HealthMetrics } from './health-metrics';
import type { HealthTransitions } from './health-transitions';
import { nextCheckAt, serverOutcomeOf } from './probe-outcome';
import { ServerProbeService } from './server-probe.service';

/** Servers one claim took, under one owner name, at one instant. */
export interface ClaimBatch {
  owner: string;
  claimedAt: Date;
  servers: McpServerProbeTarget[];
}

export interface ClaimedCheckDeps {
  repository: McpServerClaimRepository;
  probes: ServerProbeService;
  metrics: HealthMetrics;
  drift: ToolDriftDetector;
  /** Writes the result with `mcp_server.health_changed` when the status moves. */
  transitions: HealthTransitions;
  leases: ClaimLeases;
  /** The checker acts for every organization (its system principal's scope). */
  scope: AllOrganizations;
  intervalMs: number;
  logger: Logger;
  /** True once a stop gave up on running probes: their late results are dropped. */
  abandoned: () => boolean;
}

/**
 * One claimed server's check: probe it while holding its lease, write the result with its next
 * due time only while the claim is still ours, then compare its tools with the baseline. The
 * scheduling around it (claims, slots, stop) is HealthCheckerService's.
 */
export class ClaimedCheck {
  constructor(private readonly deps: ClaimedCheckDeps) {}

  async run(server: McpServerProbeTarget, batch: ClaimBatch): Promise<void> {
    if (server.nextCheckAt) {
      this.deps.metrics.recordLag(
        Math.max(0, batch.claimedAt.getTime() - server.nextCheckAt.getTime()) / 1000,
      );
    }
    const release = this.deps.leases.hold(server, batch.owner);
    this.deps.metrics.checkStarted();
    let outcome: 'written' | 'changed' | 'lost' | 'failed' | 'abandoned' = 'failed';
    try {
      const result = await this.deps.probes.probe(server, 'checker');
      if (this.deps.abandoned()) {
        outcome = 'abandoned';
        return;
      }
      const checkedAt = new Date();
      const scope = organizationOfRow(this.deps.scope, server);
      const serverOutcome = serverOutcomeOf(result, checkedAt);
      outcome = await this.deps.transitions.record(
        scope,
        server.serverId,
        serverOutcome.status,
        () =>
          this.deps.repository.completeClaimed(
            scope,
            server.serverId,
            { owner: batch.owner, version: server.version },
            serverOutcome,
            nextCheckAt(server.nextCheckAt, batch.claimedAt, this.deps.intervalMs),
          ),
        (written) => written === 'written',
      );
      if (outcome === 'written') await this.observeTools(server, scope, result, checkedAt);
      if (outcome === 'lost') {
        this.deps.logger.warn(
          `Claim on server ${server.serverId} expired before its result was written`,
        );
      }
    } catch (error) {
      // The lease lapses by itself; the server is probed again after it does (by a replica that
      // has the key, when this one lacks it: SecretBox already logged that once).
      if (error instanceof UnknownEncryptionKeyError) {
        this.deps.logger.debug(
          `Server ${server.serverId} left to a replica with key ${error.keyId}`,
        );
      } else {
        this.deps.logger.warn(
          `Health check of server ${server.serverId} failed: ${errorName(error)}`,
        );
      }
    } finally {
      release();
      this.deps.metrics.checkFinished(outcome);
    }
  }

  /** Compares the listed tools with the baseline; a failure there never undoes the result. */
  private async observeTools(
    server: McpServerProbeTarget,
    scope: OneOrganization,
    result: ProbeResult,
    checkedAt: Date,
  ): Promise<void> {
    try {
      await this.deps.drift.observe(
        scope,
        { kind: 'mcp_server', id: server.serverId },
        result,
        checkedAt,
        server,
      );
    } catch (error) {
      // The next probe compares again (the stored fingerprint did not move).
      this.deps.logger.warn(
        `Tool drift check of server ${server.serverId} failed: ${errorName(error)}`,
      );
    }
  }
}
