import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { utcDate } from './timestamp.transformer';

@Index(['organizationId', 'createdAt', 'id'])
@Index(['organizationId', 'name'], { unique: true })
@Entity('teams')
export class TeamEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'organization_id', type: 'varchar', length: 64 })
  organizationId!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3, transformer: utcDate })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3, transformer: utcDate })
  updatedAt!: Date;
}
