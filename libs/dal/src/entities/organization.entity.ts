import { Column, Entity, PrimaryColumn } from 'typeorm';
import { utcDate } from './timestamp.transformer';

@Entity('organizations')
export class OrganizationEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3, transformer: utcDate })
  createdAt!: Date;
}
