import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { APP_CONFIG, AppConfig, shutdownDrainBudgetMs } from '@app/core';
import { UnknownEncryptionKeyError } from '@app/crypto';
import {
  ALL_ORGANIZATIONS,
  HealthCheckRepository,
  McpServerProbeTarget,
  McpServerRef,
  serverKey,
} from '@app/dal';
import { HEALTH_CHECKER_OPTIONS, HealthCheckerOptions } from './health-checker.options';
import { HealthMetrics } from './health-metrics';
import { nextCheckAt, serverOutcomeOf } from './probe-outcome';
import { ServerProbeService } from './server-probe.service';

/**
 * A claim outlives the probe's timeout by this much: the prober's own cleanup slack (about a
 * second) plus the result write, with room for small clock differences between replicas.
 */
export const CLAIM_MARGIN_MS = 3_000;
/** On shutdown, running probes get their timeout plus this to finish and record their result. */
const STOP_SLACK_MS = 1_500;
/** Claims lost to other replicas are retried this often before the round waits for the next tick. */
const CLAIM_ATTEMPTS = 3;
const MIN_POLL_MS = 250;
const MAX_POLL_MS = 5_000;

interface ClaimBatch {
  owner: string;
  claimedAt: Date;
  servers: McpServerProbeTarget[];
}

/**
 * The background checker. Every poll it claims due servers through the database (as many as it
 * has free probe slots, so each claimed server starts probing at once and its claim cannot expire
 * while it waits), probes them with at most HEALTH_CHECK_CONCURRENCY at a time, and writes each
 * result with the server's next due time while it still owns the claim. Any number of replicas
 * may run it against one database: a server is claimed by one of them per interval, and the claim
 * of a replica that dies expires after the probe timeout plus CLAIM_MARGIN_MS.
 */
@Injectable()
export class HealthCheckerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HealthChecker');
  private readonly instanceId = `${hostname().slice(0, 48)}:${process.pid}:${randomBytes(6).toString('hex')}`;
  private readonly intervalMs: number;
  private readonly pollMs: number;
  private readonly claimTtlMs: number;
  private readonly stopBudgetMs: number;
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private batches = 0;
  private started = false;
  private stopping = false;
  /** Set when shutdown gave up waiting: late results are dropped, their claims were released. */
  private abandoned = false;
  /** Server id → owner token of the claim its running probe holds. */
  private readonly inFlight = new Map<string, { server: McpServerRef; owner: string }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(HEALTH_CHECKER_OPTIONS) private readonly options: HealthCheckerOptions,
    private readonly repository: HealthCheckRepository,
    private readonly probes: ServerProbeService,
    private readonly metrics: HealthMetrics,
  ) {
    const { intervalS, timeoutMs, concurrency } = config.health;
    this.intervalMs = intervalS * 1000;
    this.pollMs = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, Math.round(this.intervalMs / 4)));
    this.claimTtlMs = timeoutMs + CLAIM_MARGIN_MS;
    this.concurrency = concurrency;
    // Within SHUTDOWN_TIMEOUT_MS, beside the HTTP drain, leaving time to close the pool.
    this.stopBudgetMs = Math.min(
      timeoutMs + STOP_SLACK_MS,
      shutdownDrainBudgetMs(config.shutdownTimeoutMs),
    );
  }

  get enabled(): boolean {
    return this.options.background === 'always' || this.config.health.workerEnabled;
  }

  onApplicationBootstrap(): void {
    if (this.enabled) this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.logger.log(
      `Background health checks every ${this.config.health.intervalS}s, ${this.concurrency} at a time (checker ${this.instanceId})`,
    );
    this.schedule(0);
  }

  /**
   * Stops claiming, lets running probes finish and record (bounded), then clears every timer. A
   * probe still running after the budget has its claim released so another replica takes the
   * server over at once; its late result is dropped.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const round = this.round;
    if (!round) return;
    let budget: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      round.then(() => true),
      new Promise<boolean>((resolve) => {
        budget = setTimeout(() => resolve(false), this.stopBudgetMs);
      }),
    ]);
    clearTimeout(budget);
    if (finished || this.inFlight.size === 0) return;
    this.abandoned = true;
    const running = [...this.inFlight.values()];
    try {
      await this.repository.releaseClaims(
        ALL_ORGANIZATIONS,
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

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    this.round = this.runRound()
      .catch((error: unknown) => {
        this.logger.error(`Health check round failed: ${errorName(error)}`);
      })
      .finally(() => {
        this.round = null;
      });
    await this.round;
    if (!this.stopping) this.schedule(this.pollMs);
  }

  /** Claims and probes due servers until none is due, never more than `concurrency` at once. */
  private async runRound(): Promise<void> {
    const running = new Set<Promise<void>>();
    let drained = false;
    let probed = 0;
    while (!this.stopping) {
      const free = this.concurrency - running.size;
      if (free > 0 && !drained) {
        const batch = await this.claim(free);
        if (batch === null) drained = true;
        else {
          for (const server of batch.servers) {
            const check: Promise<void> = this.check(server, batch).finally(() => {
              running.delete(check);
            });
            running.add(check);
            probed += 1;
          }
        }
      }
      if (running.size === 0) {
        if (drained) break;
        continue;
      }
      if (drained || running.size >= this.concurrency) await Promise.race(running);
    }
    await Promise.all(running);
    if (probed > 0) this.logger.debug(`Health check round probed ${probed} servers`);
  }

  private async claim(limit: number): Promise<ClaimBatch | null> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS && !this.stopping; attempt++) {
      this.batches += 1;
      const owner = `${this.instanceId}:${this.batches}`;
      const claimedAt = new Date();
      try {
        const { claimed, candidates } = await this.repository.claimDue(ALL_ORGANIZATIONS, {
          owner,
          now: claimedAt,
          expiresAt: new Date(claimedAt.getTime() + this.claimTtlMs),
          limit,
        });
        if (claimed.length > 0) return { owner, claimedAt, servers: claimed };
        if (candidates === 0) return null;
      } catch (error) {
        this.logger.warn(`Claiming due servers failed: ${errorName(error)}`);
        return null;
      }
    }
    return null;
  }

  private async check(server: McpServerProbeTarget, batch: ClaimBatch): Promise<void> {
    if (server.nextCheckAt) {
      this.metrics.recordLag(
        Math.max(0, batch.claimedAt.getTime() - server.nextCheckAt.getTime()) / 1000,
      );
    }
    const key = serverKey(server.organizationId, server.serverId);
    this.inFlight.set(key, {
      server: { organizationId: server.organizationId, serverId: server.serverId },
      owner: batch.owner,
    });
    this.metrics.checkStarted();
    let outcome: 'written' | 'changed' | 'lost' | 'failed' | 'abandoned' = 'failed';
    try {
      const result = await this.probes.probe(server, 'checker');
      if (this.abandoned) {
        outcome = 'abandoned';
        return;
      }
      outcome = await this.repository.completeClaimed(
        server.organizationId,
        server.serverId,
        { owner: batch.owner, version: server.version },
        serverOutcomeOf(result, new Date()),
        nextCheckAt(server.nextCheckAt, batch.claimedAt, this.intervalMs),
      );
      if (outcome === 'lost') {
        this.logger.warn(
          `Claim on server ${server.serverId} expired before its result was written`,
        );
      }
    } catch (error) {
      // The claim expires by itself; the server is probed again after it does (by a replica that
      // has the key, when this one lacks it: SecretBox already logged that once).
      if (error instanceof UnknownEncryptionKeyError) {
        this.logger.debug(`Server ${server.serverId} left to a replica with key ${error.keyId}`);
      } else {
        this.logger.warn(`Health check of server ${server.serverId} failed: ${errorName(error)}`);
      }
    } finally {
      this.inFlight.delete(key);
      this.metrics.checkFinished(outcome);
    }
  }
}

/** Error names only: driver messages can quote SQL parameters. */
function errorName(error: unknown): string {
  const candidate = error as { name?: unknown; code?: unknown };
  return (
    [candidate?.name, candidate?.code].filter((part) => typeof part === 'string').join(' ') ||
    'error'
  );
}
