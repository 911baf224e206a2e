import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An access group granted to every key of a team. */
@Index(['organizationId', 'accessGroup'])
@Entity('team_access_groups')
export class TeamAccessGroupEntity {
  @PrimaryColumn({ name: 'team_id', type: 'varchar', length: 64 })
  teamId!: string;

  @Column({ name: 'organization_id', type: 'varchar', length: 64 })
  organizationId!: string;

  @PrimaryColumn({ name: 'access_group', type: 'varchar', length: 128 })
  accessGroup!: string;
}
