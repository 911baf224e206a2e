import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { utcDate } from './timestamp.transformer';

/** One access group of a registry server; a server without rows is visible to the whole org. */
@Index('ix_mcp_server_access_groups_org_group_order', [
  'organizationId',
  'accessGroup',
  'serverCreatedAt',
  'serverId',
])
@Entity('mcp_server_access_groups')
export class McpServerAccessGroupEntity {
  @PrimaryColumn({ name: 'server_id', type: 'varchar', length: 64 })
  serverId!: string;

  /** With server_id, the server's key (server ids are unique per organization only). */
  @PrimaryColumn({ name: 'organization_id', type: 'varchar', length: 64 })
  organizationId!: string;

  @PrimaryColumn({ name: 'access_group', type: 'varchar', length: 128 })
  accessGroup!: string;

  /** The server's created_at, so a group's servers are an index range in list order. */
  @Column({
    name: 'server_created_at',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  serverCreatedAt!: Date | null;
}
