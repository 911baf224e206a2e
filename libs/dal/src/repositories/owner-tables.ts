import { McpConfigurationEntity } from '../entities/mcp-configuration.entity';
import { McpServerEntity } from '../entities/mcp-server.entity';

/** The rows that own credentials and tools: a registry server or a custom configuration. */
export type OwnerRowKind = 'mcp_server' | 'mcp_configuration';

export interface OwnerTable {
  entity: typeof McpServerEntity | typeof McpConfigurationEntity;
  table: string;
  idColumn: string;
  /** Live rows only (configurations are soft-deleted), as an SQL suffix. */
  live: string;
}

/** Where each kind of owner row lives (OAuth refresh leases, tool baselines). */
export const OWNER_TABLES: Record<OwnerRowKind, OwnerTable> = {
  mcp_server: { entity: McpServerEntity, table: 'mcp_servers', idColumn: 'server_id', live: '' },
  mcp_configuration: {
    entity: McpConfigurationEntity,
    table: 'mcp_configurations',
    idColumn: 'id',
    live: ' AND deleted_at IS NULL',
  },
};
