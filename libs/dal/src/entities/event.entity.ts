import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from './bigint.transformer';
import { JSON_COLUMN } from './json-column';
import { utcDate } from './timestamp.transformer';

/**
 * One change a consumer may care about, written in the transaction of the change (the outbox)
 * without a sequence; once committed, the sequencer gives it the organization's next `sequence`
 * (gapless, in commit order).
 */
@Index('uq_events_id', ['id'], { unique: true })
@Index('uq_events_org_sequence', ['organizationId', 'sequence'], { unique: true })
@Index('ix_events_sequence', ['sequence'])
@Index('ix_events_occurred', ['occurredAt'])
@Entity('events')
export class EventEntity {
  /** Insertion order: a change made after another committed is inserted after it. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  position?: number | string;

  @Column({ name: 'organization_id', type: 'varchar', length: 64 })
  organizationId!: string;

  /** Null until the sequencer numbers the committed event. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintNumber })
  sequence!: number | null;

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
