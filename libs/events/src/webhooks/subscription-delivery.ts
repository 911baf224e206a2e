import { Logger } from '@nestjs/common';
import { newId, OneOrganization } from '@app/core';
import type { SecretBox } from '@app/crypto';
import {
  FeedEvent,
  EventRepository,
  SEALED_RESOURCE_TYPES,
  UnitOfWork,
  WebhookClaimRepository,
  WebhookDeliveryEntity,
  WebhookDeliveryOutcome,
  WebhookEntity,
} from '@app/dal';
import type { EventMetrics } from '../event-metrics';
import type { EventOutbox } from '../event-outbox';
import { matchesTypes } from '../event-types';
import { toEventView } from '../event-view';
import { backoffDelayMs, BackoffPolicy } from './webhook-backoff';
import { SendResult, WebhookSender } from './webhook-sender';
import { signWebhook } from './webhook-signature';
import { toWebhookView } from './webhook-view';

/** Events read per round trip while a subscription catches up. */
const BATCH = 100;
/**
 * The cursor (and the attempts' log) is written after at most this many deliveries or this long
 * after the first unwritten one, before a failure is recorded, and when the run ends: one
 * transaction per batch of deliveries, not per event. A replica that dies in between has the
 * unwritten ones sent again by the next holder (same Webhook-Ids).
 */
const FLUSH_EVERY = 50;
const FLUSH_AFTER_MS = 1_000;
/** A subscription gives its slot back after this long, so a busy one cannot starve the others. */
const FAIR_SHARE_MS = 10_000;
const USER_AGENT = 'mcp-registry-webhooks/1';

export interface DeliveryDeps {
  events: EventRepository;
  claims: WebhookClaimRepository;
  sender: WebhookSender;
  secretBox: SecretBox;
  unitOfWork: UnitOfWork;
  outbox: EventOutbox;
  metrics: EventMetrics;
  logger: Logger;
  maxAttempts: number;
  backoff: BackoffPolicy;
  /**
   * How long a caught-up run keeps its claim waiting for the organization's next event (woken at
   * once by a commit of this process), so a steady stream of changes is not a claim and a
   * release per event; 0 while the deliverer has no slot to spare.
   */
  lingerMs: () => number;
  /** Resolves when an event after `horizon` of the organization is known, or after `ms`. */
  waitForEvent: (organizationId: string, horizon: number, ms: number) => Promise<void>;
}

/** How one claimed run ended: nothing left, a retry scheduled, the claim lost, or time is up. */
export type RunEnd = 'caught_up' | 'retry_scheduled' | 'disabled' | 'lost' | 'yielded' | 'stopped';

/**
 * One claimed subscription's run: its events after the cursor, in sequence order, each POSTed
 * and signed until the receiver takes it; events of other types move the cursor past them. The
 * first failure ends the run (later events wait: order before throughput) with the next attempt
 * scheduled by backoff, or, at the last attempt, the subscription disabled and `webhook.disabled`
 * written in the same transaction. Every write is conditional on the claim, so a replica that
 * lost it (its lease lapsed) changes nothing; the event it was sending is sent again by the new
 * holder with the same Webhook-Id.
 */
export class SubscriptionDelivery {
  /** The cursor as written. */
  private cursor: number;
  /** How far this run got: delivered (or passed) up to here, written or not. */
  private done: number;
  /** Attempts delivered since the cursor was last written. */
  private unwritten: WebhookDeliveryEntity[] = [];
  private attempts: number;

  constructor(
    private readonly webhook: WebhookEntity,
    private readonly scope: OneOrganization,
    private readonly owner: string,
    private readonly deps: DeliveryDeps,
    private readonly stopping: () => boolean,
  ) {
    this.cursor = this.done = webhook.deliveredSequence;
    this.attempts = webhook.attempts;
  }

  async run(): Promise<RunEnd> {
    const end = await this.deliverUntilDone();
    if (end === 'lost' || end === 'retry_scheduled' || end === 'disabled') return end;
    return (await this.flush()) ? end : 'lost';
  }

  private async deliverUntilDone(): Promise<RunEnd> {
    const started = Date.now();
    /** The horizon a wait for news started at: the same horizon after it means it was idle. */
    let idleAt: number | null = null;
    while (!this.stopping()) {
      const read = await this.deps.events.read(this.scope, { after: this.done, limit: BATCH });
      const firstStored = read.oldest ?? read.horizon + 1;
      if (!read.contiguous && this.done < firstStored - 1 && read.horizon > this.done) {
        if (!(await this.skipPruned(Math.min(firstStored - 1, read.horizon), read.events[0]))) {
          return 'lost';
        }
        continue;
      }
      if (read.events.length === 0 && read.horizon === idleAt) return 'caught_up';
      for (const event of read.events) {
        if (matchesTypes(event.type, this.webhook.types)) {
          const end = await this.deliver(event);
          if (end !== null) return end;
        }
        this.done = event.sequence;
        if (this.flushDue() && !(await this.flush())) return 'lost';
        if (Date.now() - started > FAIR_SHARE_MS || this.stopping()) return 'yielded';
      }
      if (read.events.length === BATCH) continue;
      // Caught up with the horizon read: keep the claim a little for the next event (a steady
      // stream is then one claim, not one per event), unless the last wait was idle.
      const lingerMs = Math.min(this.deps.lingerMs(), started + FAIR_SHARE_MS - Date.now());
      if (lingerMs <= 0) return 'caught_up';
      idleAt = read.horizon;
      await this.deps.waitForEvent(this.webhook.organizationId, read.horizon, lingerMs);
    }
    return 'stopped';
  }

  /** Enough delivered, or delivered long enough ago, to write the cursor now. */
  private flushDue(): boolean {
    if (this.unwritten.length === 0) return false;
    if (this.unwritten.length >= FLUSH_EVERY) return true;
    return Date.now() - this.unwritten[0].attemptedAt.getTime() >= FLUSH_AFTER_MS;
  }

  /** Writes the cursor and the attempts delivered since; false when the claim was lost. */
  private async flush(): Promise<boolean> {
    if (this.done <= this.cursor) return true;
    const attempts = this.unwritten;
    const moved = await this.deps.claims.advance(
      { webhookId: this.webhook.id, owner: this.owner, attempts },
      this.done,
    );
    if (!moved) {
      this.deps.metrics.delivery('lost');
      return false;
    }
    this.cursor = this.done;
    this.unwritten = [];
    return true;
  }

  /** Sends one event; null to go on with the next, else how the run ends. */
  private async deliver(event: FeedEvent): Promise<RunEnd | null> {
    const attempt = this.attempts + 1;
    const result = await this.send(event);
    const at = new Date();
    if (result.ok) {
      this.unwritten.push(this.attemptRow(event, attempt, 'delivered', result, at, null));
      this.attempts = 0;
      this.deps.metrics.delivery('delivered', (at.getTime() - event.occurredAt.getTime()) / 1000);
      return null;
    }
    // What was delivered before this event is written first: the cursor stops right before it.
    if (!(await this.flush())) return 'lost';
    if (attempt >= this.deps.maxAttempts) return this.disable(event, attempt, result, at);
    const nextAt = new Date(at.getTime() + backoffDelayMs(attempt, this.deps.backoff));
    const scheduled = await this.deps.claims.retryLater(
      {
        webhookId: this.webhook.id,
        owner: this.owner,
        attempts: [this.attemptRow(event, attempt, 'failed', result, at, nextAt)],
      },
      nextAt,
    );
    this.deps.metrics.delivery(scheduled ? 'failed' : 'lost');
    return scheduled ? 'retry_scheduled' : 'lost';
  }

  private async disable(
    event: FeedEvent,
    attempt: number,
    result: Extract<SendResult, { ok: false }>,
    at: Date,
  ): Promise<RunEnd> {
    const reason = `event ${event.sequence} failed ${attempt} times; last: ${result.error}`.slice(
      0,
      512,
    );
    const disabled = await this.deps.unitOfWork.run(async (tx) => {
      const step = {
        webhookId: this.webhook.id,
        owner: this.owner,
        attempts: [this.attemptRow(event, attempt, 'failed', result, at, null)],
      };
      if (!(await this.deps.claims.disable(step, at, reason, tx))) return false;
      const row = await this.deps.claims.findById(this.scope, this.webhook.id, tx);
      if (row) {
        await this.deps.outbox.append(tx, this.scope, {
          type: 'webhook.disabled',
          resourceId: row.id,
          data: { ...toWebhookView(row) },
        });
      }
      return true;
    });
    this.deps.metrics.delivery(disabled ? 'disabled' : 'lost');
    if (disabled) {
      this.deps.logger.warn(`Webhook ${this.webhook.id} disabled: ${reason}`);
    }
    return disabled ? 'disabled' : 'lost';
  }

  /** Events pruned before they were delivered: logged once as skipped, the cursor moves on. */
  private async skipPruned(upTo: number, next: FeedEvent | undefined): Promise<boolean> {
    const skipped = upTo - this.done;
    this.unwritten.push({
      id: newId('dlv'),
      webhookId: this.webhook.id,
      organizationId: this.webhook.organizationId,
      eventId: next?.id ?? '(pruned)',
      sequence: upTo,
      eventType: '(pruned)',
      attempt: 0,
      outcome: 'skipped',
      httpStatus: null,
      error: `${skipped} events after sequence ${this.done} were pruned before delivery`,
      durationMs: null,
      attemptedAt: new Date(),
      nextAttemptAt: null,
    });
    this.deps.metrics.delivery('skipped');
    this.done = upTo;
    this.attempts = 0;
    return this.flush();
  }

  private async send(event: FeedEvent): Promise<SendResult> {
    const body = JSON.stringify(toEventView(event));
    const secret = this.deps.secretBox.open(this.webhook.secretSealed, {
      resourceType: SEALED_RESOURCE_TYPES.webhookSecret,
      resourceId: this.webhook.id,
      organizationId: this.webhook.organizationId,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    this.deps.metrics.requestStarted();
    try {
      return await this.deps.sender.send({
        webhookId: this.webhook.id,
        url: this.webhook.url,
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': USER_AGENT,
          'webhook-id': event.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(secret, event.id, timestamp, body),
        },
      });
    } finally {
      this.deps.metrics.requestFinished();
    }
  }

  private attemptRow(
    event: FeedEvent,
    attempt: number,
    outcome: WebhookDeliveryOutcome,
    result: SendResult,
    at: Date,
    nextAttemptAt: Date | null,
  ): WebhookDeliveryEntity {
    return {
      id: newId('dlv'),
      webhookId: this.webhook.id,
      organizationId: this.webhook.organizationId,
      eventId: event.id,
      sequence: event.sequence,
      eventType: event.type,
      attempt,
      outcome,
      httpStatus: result.status,
      error: result.ok ? null : result.error.slice(0, 512),
      durationMs: result.durationMs,
      attemptedAt: at,
      nextAttemptAt,
    };
  }
}
