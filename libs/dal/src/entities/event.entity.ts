import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from './bigint.transformer';
import { JSON_COLUMN } from './json-column';
import { utcDate } from './timestamp.transformer';

/**
 * One change a consumer may care about, written in the transaction of the change (the outbox).
 * `sequence` numbers the organization's events without gaps, in commit order.
 */
@Index('uq_events_id', ['id'], { unique: true })
@Index('ix_events_occurred', ['occurredAt'])
@Entity('events')
export class EventEntity {
  @PrimaryColumn({ name: 'organization_id', type: 'varchar', length: 64 })
  organizationId!: string;

  @PrimaryColumn({ type: 'bigint', transformer: bigintNumber })
  sequence!: number;

  @Column({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ name: 'resource_id', type: 'varchar', length: 128 })
  resourceId!: string;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3, transformer: utcDate })
  occurredAt!: Date;

  /** The resource as the API shows it to an org_admin (secrets masked). */
  @Column({ type: JSON_COLUMN })
  data!: Record<string, unknown> | null;
}
