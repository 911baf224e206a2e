import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JSON_COLUMN } from './json-column';
import { utcDate } from './timestamp.transformer';

@Index(['organizationId', 'createdAt', 'id'])
@Index(['resourceType', 'resourceId'])
@Entity('audit_events')
export class AuditEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'organization_id', type: 'varchar', length: 64, nullable: true })
  organizationId!: string | null;

  @Column({ name: 'actor_key_id', type: 'varchar', length: 64, nullable: true })
  actorKeyId!: string | null;

  @Column({ name: 'actor_user_id', type: 'varchar', length: 64, nullable: true })
  actorUserId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ name: 'resource_type', type: 'varchar', length: 64 })
  resourceType!: string;

  @Column({ name: 'resource_id', type: 'varchar', length: 128 })
  resourceId!: string;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  /** What changed: field names and non-secret values only. */
  @Column({ type: JSON_COLUMN, nullable: true })
  changes!: Record<string, unknown> | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3, transformer: utcDate })
  createdAt!: Date;
}
