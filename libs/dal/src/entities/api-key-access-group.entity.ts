import { Entity, PrimaryColumn } from 'typeorm';

/** An access group granted directly to an API key. */
@Entity('api_key_access_groups')
export class ApiKeyAccessGroupEntity {
  @PrimaryColumn({ name: 'key_id', type: 'varchar', length: 64 })
  keyId!: string;

  @PrimaryColumn({ name: 'access_group', type: 'varchar', length: 128 })
  accessGroup!: string;
}
