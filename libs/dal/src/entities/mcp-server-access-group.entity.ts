import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One access group of a registry server; a server without rows is visible to the whole org. */
@Entity('mcp_server_access_groups')
export class McpServerAccessGroupEntity {
  @PrimaryColumn({ name: 'server_id', type: 'varchar', length: 64 })
  serverId!: string;

  @Column({ name: 'organization_id', type: 'varchar', length: 64 })
  organizationId!: string;

  @PrimaryColumn({ name: 'access_group', type: 'varchar', length: 128 })
  accessGroup!: string;
}
