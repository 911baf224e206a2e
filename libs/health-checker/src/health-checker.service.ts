import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  allOrganizations,
  APP_CONFIG,
  AppConfig,
  shutdownDrainBudgetMs,
  systemPrincipal,
} from '@app/core';
import { McpServerClaimRepository } from '@app/dal';
import { ClaimLeases, errorName } from './claim-leases';
import { ClaimBatch, ClaimedCheck } from './claimed-check';
import { HEALTH_CHECKER_OPTIONS, HealthCheckerOptions } from './health-checker.options';
import { checkerTiming } from './checker-timing';
import { ToolDriftDetector } from './drift/tool-drift.detector';
import { HealthMetrics } from './health-metrics';
import { HealthTransitions } from './health-transitions';
import { ServerProbeService } from './server-probe.service';

/**
 * How long past its timeout a probe's lease is still renewed: the prober's own cleanup (about a
 * second) and the result write. A probe that somehow runs on past this stops holding its server.
 */
const PROBE_SLACK_MS = 1_500;
/** On shutdown, running probes get their timeout plus this to finish and record their result. */
const STOP_SLACK_MS = 1_500;
/** Claims lost to other replicas are retried this often before the checker waits for a poll. */
const CLAIM_ATTEMPTS = 3;
/** The checker watches every organization's servers: it acts as the system, not as a key. */
const EVERY_ORGANIZATION = allOrganizations(systemPrincipal('health-checker'));

/**
 * The background checker. Every poll it claims due servers through the database (as many as it
 * has free probe slots, so each claimed server starts probing at once), probes them with at most
 * HEALTH_CHECK_CONCURRENCY at a time, and writes each result with the server's next due time
 * while it still owns the claim. Any number of replicas may run it against one database: a server
 * is claimed by one of them per interval. A claim is a short lease that the checker renews while
 * the probe runs, so the claims of a replica that dies lapse within one lease and another replica
 * probes those servers within one interval of their due time (see checker-timing.ts).
 */
@Injectable()
export class HealthCheckerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HealthChecker');
  private readonly instanceId = `${hostname().slice(0, 48)}:${process.pid}:${randomBytes(6).toString('hex')}`;
  private readonly intervalMs: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly stopBudgetMs: number;
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private batches = 0;
  private started = false;
  private stopping = false;
  /** Set when shutdown gave up waiting: late results are dropped, their claims were released. */
  private abandoned = false;
  /** The claims of running probes, renewed while they run. */
  private readonly leases: ClaimLeases;
  private readonly checks: ClaimedCheck;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(HEALTH_CHECKER_OPTIONS) private readonly options: HealthCheckerOptions,
    private readonly repository: McpServerClaimRepository,
    probes: ServerProbeService,
    metrics: HealthMetrics,
    drift: ToolDriftDetector,
    transitions: HealthTransitions,
  ) {
    const { intervalS, timeoutMs, concurrency } = config.health;
    this.intervalMs = intervalS * 1000;
    const timing = checkerTiming(this.intervalMs, timeoutMs);
    this.pollMs = timing.pollMs;
    this.leaseMs = timing.leaseMs;
    this.leases = new ClaimLeases(
      repository,
      EVERY_ORGANIZATION,
      { leaseMs: timing.leaseMs, renewMs: timing.renewMs, holdMs: timeoutMs + PROBE_SLACK_MS },
      this.logger,
    );
    this.checks = new ClaimedCheck({
      repository,
      probes,
      metrics,
      drift,
      transitions,
      leases: this.leases,
      scope: EVERY_ORGANIZATION,
      intervalMs: this.intervalMs,
      logger: this.logger,
      abandoned: () => this.abandoned,
    });
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
      `Background health checks every ${this.config.health.intervalS}s, ${this.concurrency} at a time, polling every ${this.pollMs} ms with ${this.leaseMs} ms leases (checker ${this.instanceId})`,
    );
    this.leases.start();
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
    try {
      await this.finishRound();
    } finally {
      await this.leases.stop();
    }
  }

  /** Waits (bounded) for the running round; releases the claims of probes still running after. */
  private async finishRound(): Promise<void> {
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
    if (finished || this.leases.size === 0) return;
    this.abandoned = true;
    await this.leases.releaseAll();
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, delayMs);
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    let nextClaimAt = Date.now() + this.pollMs;
    this.round = this.runRound()
      .then((next) => {
        nextClaimAt = next;
      })
      .catch((error: unknown) => {
        this.logger.error(`Health check round failed: ${errorName(error)}`);
      })
      .finally(() => {
        this.round = null;
      });
    await this.round;
    if (!this.stopping) this.schedule(Math.max(0, nextClaimAt - Date.now()));
  }

  /**
   * Claims and probes due servers, never more than `concurrency` at once, until nothing is due
   * and nothing runs; returns when the next claim is due. While probes run, free slots still
   * claim every poll, so a server falling due (or left by a dead replica) meanwhile never waits
   * for the slowest probe of the round.
   */
  private async runRound(): Promise<number> {
    const running = new Set<Promise<void>>();
    let probed = 0;
    let nextClaimAt = 0;
    while (!this.stopping) {
      const free = this.concurrency - running.size;
      if (free > 0 && Date.now() >= nextClaimAt) {
        const batch = await this.claim(free);
        if (batch !== null) {
          for (const server of batch.servers) {
            const check: Promise<void> = this.checks.run(server, batch).finally(() => {
              running.delete(check);
            });
            running.add(check);
            probed += 1;
          }
          continue;
        }
        nextClaimAt = Date.now() + this.pollMs;
      }
      if (running.size === 0) break;
      await this.slotOrPoll(running, free > 0 ? nextClaimAt : null);
    }
    await Promise.all(running);
    if (probed > 0) this.logger.debug(`Health check round probed ${probed} servers`);
    return Math.max(nextClaimAt, Date.now());
  }

  /** Waits until a running probe ends, or until `claimAt` when slots are free. */
  private async slotOrPoll(running: Set<Promise<void>>, claimAt: number | null): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waits: Promise<unknown>[] = [...running];
    if (claimAt !== null) {
      waits.push(
        new Promise((resolve) => {
          timer = setTimeout(resolve, Math.max(0, claimAt - Date.now()));
        }),
      );
    }
    await Promise.race(waits);
    clearTimeout(timer);
  }

  private async claim(limit: number): Promise<ClaimBatch | null> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS && !this.stopping; attempt++) {
      this.batches += 1;
      const owner = `${this.instanceId}:${this.batches}`;
      const claimedAt = new Date();
      try {
        const { claimed, candidates } = await this.repository.claimDue(EVERY_ORGANIZATION, {
          owner,
          now: claimedAt,
          expiresAt: new Date(claimedAt.getTime() + this.leaseMs),
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
}
