import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { utcDate } from './timestamp.transformer';

/** An API key. The secret is never stored: only its peppered hash and a display prefix. */
@Index(['organizationId', 'createdAt', 'id'])
// The name the foundation migration gave the key_hash unique constraint.
@Index('UQ_57384430aa1959f4578046c9b81', ['keyHash'], { unique: true })
@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  /** Null only for platform admin keys. */
  @Column({ name: 'organization_id', type: 'varchar', length: 64, nullable: true })
  organizationId!: string | null;

  @Column({ name: 'user_id', type: 'varchar', length: 64, nullable: true })
  userId!: string | null;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ type: 'varchar', length: 32 })
  role!: string;

  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash!: string;

  @Column({ name: 'key_prefix', type: 'varchar', length: 16 })
  keyPrefix!: string;

  @Column({
    name: 'expires_at',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  expiresAt!: Date | null;

  @Column({
    name: 'revoked_at',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  revokedAt!: Date | null;

  @Column({ name: 'created_by_key_id', type: 'varchar', length: 64, nullable: true })
  createdByKeyId!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3, transformer: utcDate })
  createdAt!: Date;
}
