import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from './bigint.transformer';
import { JSON_COLUMN } from './json-column';
import { utcDate } from './timestamp.transformer';

/**
 * A webhook subscription of an organization, and where its ordered delivery stands: every event
 * up to `deliveredSequence` is done (delivered, or not of a subscribed type); the next one has
 * failed `attempts` times and is tried again at `nextAttemptAt`. A replica delivering holds a
 * short claim (`claimOwner` until `claimExpiresAt`), as the health checker does on servers.
 */
@Index('ix_webhooks_org_created', ['organizationId', 'createdAt', 'id'])
@Index('ix_webhooks_due', ['active', 'nextAttemptAt'])
@Entity('webhooks')
export class WebhookEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'organization_id', type: 'varchar', length: 64 })
  organizationId!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** Event types (or `prefix.*` patterns) delivered; empty: every type. */
  @Column({ type: JSON_COLUMN })
  types!: string[];

  /** The signing secret, sealed by SecretBox (never returned after the create). */
  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed!: string;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3, transformer: utcDate })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3, transformer: utcDate })
  updatedAt!: Date;

  @Column({
    name: 'delivered_sequence',
    type: 'bigint',
    default: 0,
    transformer: bigintNumber,
  })
  deliveredSequence!: number;

  /** Failed attempts of the event after `deliveredSequence`. */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({
    name: 'next_attempt_at',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  nextAttemptAt!: Date | null;

  @Column({ name: 'claim_owner', type: 'varchar', length: 128, nullable: true })
  claimOwner!: string | null;

  @Column({
    name: 'claim_expires_at',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  claimExpiresAt!: Date | null;

  @Column({
    name: 'disabled_at',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  disabledAt!: Date | null;

  @Column({ name: 'disabled_reason', type: 'varchar', length: 512, nullable: true })
  disabledReason!: string | null;
}
