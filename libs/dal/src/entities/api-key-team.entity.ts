import { Entity, Index, PrimaryColumn } from 'typeorm';

/** An API key's membership of a team (the key inherits the team's access groups). */
@Index(['teamId'])
@Entity('api_key_teams')
export class ApiKeyTeamEntity {
  @PrimaryColumn({ name: 'key_id', type: 'varchar', length: 64 })
  keyId!: string;

  @PrimaryColumn({ name: 'team_id', type: 'varchar', length: 64 })
  teamId!: string;
}
