/**
 * A database column holding SecretBox-sealed values, with what is needed to rebuild each value's
 * AAD (`{resourceType, resourceId: <idColumn>, organizationId: <organizationColumn>}`).
 */
export interface SealedColumn {
  table: string;
  idColumn: string;
  organizationColumn: string;
  column: string;
  resourceType: string;
}

/**
 * Every sealed column in the database. The key-rotation job (`npm run secrets:rotate`) walks
 * exactly this list, so a new sealed column must be added here or it will stop opening once its
 * old key is removed. On MySQL declare such columns `ascii`/`ascii_bin` so the job's
 * compare-and-set compares ciphertexts exactly.
 */
export const SEALED_COLUMNS: readonly SealedColumn[] = [
  {
    table: 'mcp_configurations',
    idColumn: 'id',
    organizationColumn: 'organization_id',
    column: 'credentials_sealed',
    resourceType: 'mcp_configuration',
  },
  {
    table: 'mcp_servers',
    idColumn: 'server_id',
    organizationColumn: 'organization_id',
    column: 'env_sealed',
    resourceType: 'mcp_server.env',
  },
  {
    table: 'mcp_servers',
    idColumn: 'server_id',
    organizationColumn: 'organization_id',
    column: 'credentials_sealed',
    resourceType: 'mcp_server.credentials',
  },
];
