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
 * The AAD resource type of each kind of sealed value, declared once: what seals a value, what
 * opens it (API, checker) and the rotation job must agree on it, or the value stops opening.
 */
export const SEALED_RESOURCE_TYPES = {
  configurationCredentials: 'mcp_configuration',
  serverEnv: 'mcp_server.env',
  serverCredentials: 'mcp_server.credentials',
  webhookSecret: 'webhook.secret',
} as const;

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
    resourceType: SEALED_RESOURCE_TYPES.configurationCredentials,
  },
  {
    table: 'mcp_servers',
    idColumn: 'server_id',
    organizationColumn: 'organization_id',
    column: 'env_sealed',
    resourceType: SEALED_RESOURCE_TYPES.serverEnv,
  },
  {
    table: 'mcp_servers',
    idColumn: 'server_id',
    organizationColumn: 'organization_id',
    column: 'credentials_sealed',
    resourceType: SEALED_RESOURCE_TYPES.serverCredentials,
  },
  {
    table: 'webhooks',
    idColumn: 'id',
    organizationColumn: 'organization_id',
    column: 'secret_sealed',
    resourceType: SEALED_RESOURCE_TYPES.webhookSecret,
  },
];
