import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];

export type DeliveryOutcome = 'delivered' | 'failed' | 'disabled' | 'skipped' | 'lost';

/**
 * Change feed and webhook metrics, in a registry of their own (no default metrics): /metrics
 * renders it beside the checker's registry, and libs/health-checker (which writes events) needs
 * no metrics of this lib to exist first.
 */
@Injectable()
export class EventMetrics {
  readonly registry = new Registry();

  private readonly written = new Counter({
    name: 'events_written_total',
    help: 'Events committed and numbered by this process, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  private readonly deliveries = new Counter({
    name: 'webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (delivered, failed and retried later, failed for the last time so the subscription was disabled, events skipped because they were pruned, claim lost)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly lag = new Histogram({
    name: 'webhook_delivery_lag_seconds',
    help: 'From an event being written to its successful delivery (receiver answered 2xx)',
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });

  private readonly inFlight = new Gauge({
    name: 'webhook_deliveries_in_flight',
    help: 'Webhook requests waiting for their receiver in this process',
    registers: [this.registry],
  });

  private readonly waiting = new Gauge({
    name: 'events_feed_waiting',
    help: 'GET /v1/events requests long-polling in this process',
    registers: [this.registry],
  });

  eventWritten(type: string): void {
    this.written.inc({ type });
  }

  delivery(outcome: DeliveryOutcome, lagSeconds?: number): void {
    this.deliveries.inc({ outcome });
    if (lagSeconds !== undefined) this.lag.observe(lagSeconds);
  }

  requestStarted(): void {
    this.inFlight.inc();
  }

  requestFinished(): void {
    this.inFlight.dec();
  }

  waiterAdded(): void {
    this.waiting.inc();
  }

  waiterRemoved(): void {
    this.waiting.dec();
  }
}
