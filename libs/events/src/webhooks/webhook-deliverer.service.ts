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
  organizationOfRow,
  shutdownDrainBudgetMs,
  systemPrincipal,
} from '@app/core';
import { SecretBox } from '@app/crypto';
import { EventRepository, UnitOfWork, WebhookClaimRepository, WebhookEntity } from '@app/dal';
import { EventMetrics } from '../event-metrics';
import { EventNotifier } from '../event-notifier';
import { EventOutbox } from '../event-outbox';
import { EVENTS_MODULE_OPTIONS, EventsModuleOptions } from '../events.options';
import { DeliveryDeps, SubscriptionDelivery } from './subscription-delivery';
import { WebhookSender } from './webhook-sender';

/** The deliverer reads every organization's subscriptions: it acts as the system. */
const EVERY_ORGANIZATION = allOrganizations(systemPrincipal('webhook-deliverer'));
/** A caught-up run waits this long for its organization's next event before it lets go. */
const LINGER_MS = 1_000;
/** Claims lost to other replicas are retried this often before waiting for the next poll. */
const CLAIM_ATTEMPTS = 3;

/**
 * Delivers webhooks from any number of replicas at once. Every EVENTS_POLL_MS, and at once when
 * this process commits an event, it claims due subscriptions in the database (as many as it has
 * free slots of WEBHOOK_CONCURRENCY) and runs each one's deliveries in order
 * (SubscriptionDelivery). A claim is a short lease renewed while the run goes on, so a replica
 * that dies loses its claims within one lease and another replica takes over, sending the event
 * that was in flight again (same Webhook-Id: at-least-once, receivers dedupe).
 */
@Injectable()
export class WebhookDeliverer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookDeliverer');
  private readonly instanceId = `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(6).toString('hex')}`;
  private readonly leaseMs: number;
  private readonly deps: DeliveryDeps;
  /** Subscription id → the claim its running delivery holds. */
  private readonly running = new Map<string, { owner: string; done: Promise<void> }>();
  private timer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private unlisten: (() => void) | null = null;
  private claiming: Promise<void> | null = null;
  private again = false;
  private batches = 0;
  private started = false;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENTS_MODULE_OPTIONS) private readonly options: EventsModuleOptions,
    private readonly claims: WebhookClaimRepository,
    events: EventRepository,
    sender: WebhookSender,
    secretBox: SecretBox,
    unitOfWork: UnitOfWork,
    outbox: EventOutbox,
    metrics: EventMetrics,
    private readonly notifier: EventNotifier,
  ) {
    const { timeoutMs, maxAttempts, backoffBaseMs, backoffMaxMs } = config.webhooks;
    // Renewed every third of it while a run goes on: only a dead or frozen replica loses it.
    this.leaseMs = Math.min(15_000, Math.max(2_000, timeoutMs));
    this.deps = {
      events,
      claims,
      sender,
      secretBox,
      unitOfWork,
      outbox,
      metrics,
      logger: this.logger,
      maxAttempts,
      backoff: { baseMs: backoffBaseMs, maxMs: backoffMaxMs },
      // Only while a slot stays free for subscriptions that fall due meanwhile.
      lingerMs: () => (this.running.size < this.config.webhooks.concurrency ? LINGER_MS : 0),
      waitForEvent: (organizationId, horizon, ms) =>
        this.notifier.wait(organizationId, horizon, ms),
    };
  }

  get enabled(): boolean {
    return this.options.deliveries === 'always' || this.config.webhooks.workerEnabled;
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
    const { pollMs } = this.config.events;
    this.logger.log(
      `Delivering webhooks, ${this.config.webhooks.concurrency} subscriptions at a time, polling every ${pollMs} ms with ${this.leaseMs} ms leases (deliverer ${this.instanceId})`,
    );
    this.unlisten = this.notifier.listen(() => this.kick());
    this.timer = setInterval(() => this.kick(), pollMs);
    this.renewTimer = setInterval(() => void this.renew(), Math.floor(this.leaseMs / 3));
    this.kick();
  }

  /**
   * Stops claiming and lets running deliveries finish their request and record it (bounded by
   * the shutdown budget); claims still held after it are released for another replica.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unlisten?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.claiming;
    const budgetMs = Math.min(
      this.config.webhooks.timeoutMs + 1_500,
      shutdownDrainBudgetMs(this.config.shutdownTimeoutMs),
    );
    let budget: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.running.values()].map((run) => run.done)),
      new Promise((resolve) => (budget = setTimeout(resolve, budgetMs))),
    ]);
    clearTimeout(budget);
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
    const left = [...this.running.entries()];
    for (const [id, run] of left) {
      await this.claims.release(run.owner, [id]).catch(() => undefined);
    }
    if (left.length > 0) this.logger.warn(`Stopped with ${left.length} deliveries running`);
  }

  /** Claims due subscriptions now (coalesced: one claim round at a time, another after it). */
  kick(): void {
    if (this.stopping || !this.started) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = this.claimRound()
      .catch((error: unknown) => {
        this.logger.warn(`Claiming webhooks failed: ${errorName(error)}`);
      })
      .finally(() => {
        this.claiming = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async claimRound(): Promise<void> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS && !this.stopping; attempt++) {
      const free = this.config.webhooks.concurrency - this.running.size;
      if (free <= 0) return;
      this.batches += 1;
      const owner = `${this.instanceId}:${this.batches}`;
      const now = new Date();
      const { claimed, candidates } = await this.claims.claimDue(EVERY_ORGANIZATION, {
        owner,
        now,
        expiresAt: new Date(now.getTime() + this.leaseMs),
        limit: free,
      });
      for (const webhook of claimed) this.startRun(webhook, owner);
      if (claimed.length > 0 || candidates === 0) return;
    }
  }

  private startRun(webhook: WebhookEntity, owner: string): void {
    const delivery = new SubscriptionDelivery(
      webhook,
      organizationOfRow(EVERY_ORGANIZATION, webhook),
      owner,
      this.deps,
      () => this.stopping,
    );
    const done = delivery
      .run()
      .then(async (end) => {
        if (end === 'caught_up' || end === 'yielded' || end === 'stopped') {
          await this.claims.release(owner, [webhook.id]);
        }
      })
      .catch(async (error: unknown) => {
        this.logger.warn(`Delivering webhook ${webhook.id} failed: ${errorName(error)}`);
        await this.claims.release(owner, [webhook.id]).catch(() => undefined);
      })
      .finally(() => {
        this.running.delete(webhook.id);
        // A slot is free, and events may have come while this run read its last batch.
        this.kick();
      });
    this.running.set(webhook.id, { owner, done });
  }

  private async renew(): Promise<void> {
    const byOwner = new Map<string, string[]>();
    for (const [id, run] of this.running) {
      byOwner.set(run.owner, [...(byOwner.get(run.owner) ?? []), id]);
    }
    const expiresAt = new Date(Date.now() + this.leaseMs);
    for (const [owner, ids] of byOwner) {
      await this.claims.renew(owner, ids, expiresAt).catch((error: unknown) => {
        // The next renewal tries again; a lease that lapses meanwhile lets another replica in.
        this.logger.warn(`Renewing webhook claims failed: ${errorName(error)}`);
      });
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
