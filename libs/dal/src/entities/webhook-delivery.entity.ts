import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from './bigint.transformer';
import { utcDate } from './timestamp.transformer';

export const WEBHOOK_DELIVERY_OUTCOMES = ['delivered', 'failed', 'skipped'] as const;
export type WebhookDeliveryOutcome = (typeof WEBHOOK_DELIVERY_OUTCOMES)[number];

/** One attempt to deliver one event to one webhook (or events skipped because they were pruned). */
@Index('ix_webhook_deliveries_webhook', ['webhookId', 'attemptedAt', 'id'])
@Index('ix_webhook_deliveries_attempted', ['attemptedAt'])
@Entity('webhook_deliveries')
export class WebhookDeliveryEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'webhook_id', type: 'varchar', length: 64 })
  webhookId!: string;

  @Column({ name: 'organization_id', type: 'varchar', length: 64 })
  organizationId!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 64 })
  eventId!: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  sequence!: number;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType!: string;

  /** 1 for the first attempt of this event on this webhook. */
  @Column({ type: 'int' })
  attempt!: number;

  @Column({ type: 'varchar', length: 16 })
  outcome!: WebhookDeliveryOutcome;

  @Column({ name: 'http_status', type: 'int', nullable: true })
  httpStatus!: number | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  error!: string | null;

  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'attempted_at', type: 'datetime', precision: 3, transformer: utcDate })
  attemptedAt!: Date;

  /** When the failed event is tried again (null after a success, or when giving up). */
  @Column({
    name: 'next_attempt_at',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  nextAttemptAt!: Date | null;
}
