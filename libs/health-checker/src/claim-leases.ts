import type { Logger } from '@nestjs/common';
import type { AllOrganizations } from '@app/core';
import { McpServerClaimRepository, McpServerRef, serverKey } from '@app/dal';

/** Error names only: driver messages can quote SQL parameters. */
export function errorName(error: unknown): string {
  const candidate = error as { name?: unknown; code?: unknown };
  return (
    [candidate?.name, candidate?.code].filter((part) => typeof part === 'string').join(' ') ||
    'error'
  );
}

export interface LeaseTiming {
  /** A renewed lease runs this long from the renewal. */
  leaseMs: number;
  /** Renewals run this often. */
  renewMs: number;
  /** A claim is renewed at most this long after its probe started (timeout plus slack). */
  holdMs: number;
}

/**
 * The claims this checker's running probes hold: renewed every `renewMs` while each probe runs
 * (up to its hold time), and released at once when a stop gives up on them, so another replica
 * takes those servers over without waiting for the leases to lapse.
 */
export class ClaimLeases {
  /** Server key → the claim its running probe holds, and until when its lease is renewed. */
  private readonly inFlight = new Map<
    string,
    { server: McpServerRef; owner: string; renewUntil: number }
  >();
  private renewTimer: NodeJS.Timeout | null = null;
  private renewal: Promise<void> | null = null;

  constructor(
    private readonly repository: McpServerClaimRepository,
    private readonly scope: AllOrganizations,
    private readonly timing: LeaseTiming,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.inFlight.size;
  }

  start(): void {
    this.renewTimer = setInterval(() => {
      this.renewal ??= this.renew().finally(() => {
        this.renewal = null;
      });
    }, this.timing.renewMs);
  }

  /** Stops renewing (after a renewal under way has finished). */
  async stop(): Promise<void> {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
    await this.renewal;
  }

  /** Keeps `server`'s claim while its probe runs; the returned function lets it go. */
  hold(server: McpServerRef, owner: string): () => void {
    const key = serverKey(server.organizationId, server.serverId);
    this.inFlight.set(key, {
      server: { organizationId: server.organizationId, serverId: server.serverId },
      owner,
      renewUntil: Date.now() + this.timing.holdMs,
    });
    return () => this.inFlight.delete(key);
  }

  /** Gives up the claims of every probe still running (their results will be dropped). */
  async releaseAll(): Promise<void> {
    const running = [...this.inFlight.values()];
    try {
      await this.repository.releaseClaims(
        this.scope,
        [...new Set(running.map((entry) => entry.owner))],
        running.map((entry) => entry.server),
      );
      this.logger.warn(
        `Stopped with ${running.length} probes still running; released their claims`,
      );
    } catch (error) {
      this.logger.warn(
        `Stopped with ${running.length} probes still running; their claims expire by themselves (${errorName(error)})`,
      );
    }
  }

  /** Extends the leases of the claims running probes hold (each up to its hold time). */
  private async renew(): Promise<void> {
    const now = Date.now();
    const byOwner = new Map<string, McpServerRef[]>();
    for (const claim of this.inFlight.values()) {
      if (claim.renewUntil <= now) continue;
      byOwner.set(claim.owner, [...(byOwner.get(claim.owner) ?? []), claim.server]);
    }
    if (byOwner.size === 0) return;
    try {
      await this.repository.renewClaims(
        [...byOwner].map(([owner, servers]) => ({ owner, servers })),
        new Date(now + this.timing.leaseMs),
      );
    } catch (error) {
      // Another renewal follows; a lease that lapses meanwhile lets another replica take over.
      this.logger.warn(`Renewing claims failed: ${errorName(error)}`);
    }
  }
}
