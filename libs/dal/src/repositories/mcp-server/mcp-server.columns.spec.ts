import { getMetadataArgsStorage } from 'typeorm';
import { McpServerEntity } from '../../entities/mcp-server.entity';
import { toView, viewOfEntity, VIEW_COLUMNS } from './mcp-server.columns';
import { HIDDEN_SERVER_COLUMNS } from './mcp-server.types';

const server: McpServerEntity = {
  serverId: 'github',
  organizationId: 'org_abc',
  serverName: 'GitHub',
  serverNameKey: 'k',
  alias: 'github',
  aliasKey: 'github',
  description: null,
  transport: 'sse',
  specVersion: '2025-06-18',
  authType: 'bearer_token',
  url: 'https://mcp.example.com/sse',
  mcpInfo: {
    server_name: 'GitHub',
    description: null,
    logo_url: null,
    mcp_server_cost_info: { default_cost_per_query: 0.5, tool_name_to_cost_per_query: { a: 1 } },
  },
  command: null,
  args: [],
  envKeys: ['TOKEN'],
  envSealed: 'sealed',
  credentialKeys: null,
  credentialsSealed: null,
  allowedTools: ['search'],
  hasAccessGroups: true,
  healthCheckEnabled: false,
  serverVersion: '2.1.0',
  catalogPublic: true,
  createdAt: new Date('2025-01-02T03:04:05.678Z'),
  createdBy: 'usr_1',
  updatedAt: new Date('2025-01-03T03:04:05.000Z'),
  updatedBy: 'usr_2',
  version: 3,
  status: 'unhealthy',
  lastHealthCheck: new Date('2025-01-04T00:00:00.001Z'),
  healthCheckError: 'refused',
  healthCheckErrorKind: 'unreachable',
  toolCount: null,
  latencyMs: 12,
  consecutiveFailures: 2,
  discoveredTools: [],
  toolsFingerprint: null,
  toolsDigest: null,
  toolsDrift: null,
  driftDetectedAt: null,
  protocolVersion: '2026-07-28',
  protocolEra: 'modern',
  transportDeprecated: true,
  toolsFreshUntil: null,
  nextCheckAt: null,
  claimOwner: null,
  claimExpiresAt: null,
  credentialsRefreshOwner: null,
  credentialsRefreshUntil: null,
};

describe('mcp_servers view columns', () => {
  it('are the entity columns minus the hidden ones, each once', () => {
    const entityColumns = getMetadataArgsStorage()
      .columns.filter((args) => args.target === McpServerEntity)
      .map((args) => args.propertyName);
    const hidden: readonly string[] = HIDDEN_SERVER_COLUMNS;
    expect(Object.keys(viewOfEntity(server)).sort()).toEqual(
      entityColumns.filter((name) => !hidden.includes(name)).sort(),
    );
    expect(VIEW_COLUMNS.split(', ')).toHaveLength(entityColumns.length - hidden.length);
    expect(VIEW_COLUMNS).not.toMatch(/sealed|claim_|next_check_at|_key\b/);
  });

  it('decode a raw row of either driver into the view of the row written', () => {
    // What better-sqlite3 returns for the row: JSON as text, booleans as 0/1, instants as text.
    const raw = {
      server_id: 'github',
      organization_id: 'org_abc',
      server_name: 'GitHub',
      alias: 'github',
      description: null,
      transport: 'sse',
      spec_version: '2025-06-18',
      auth_type: 'bearer_token',
      url: 'https://mcp.example.com/sse',
      mcp_info: JSON.stringify(server.mcpInfo),
      command: null,
      args: '[]',
      env_keys: '["TOKEN"]',
      credential_keys: null,
      allowed_tools: '["search"]',
      has_access_groups: 1,
      health_check_enabled: 0,
      server_version: '2.1.0',
      catalog_public: 1,
      created_at: '2025-01-02 03:04:05.678',
      created_by: 'usr_1',
      updated_at: '2025-01-03 03:04:05.000',
      updated_by: 'usr_2',
      version: 3,
      status: 'unhealthy',
      last_health_check: '2025-01-04 00:00:00.001',
      health_check_error: 'refused',
      tool_count: null,
      latency_ms: 12,
      consecutive_failures: 2,
      protocol_version: '2026-07-28',
      protocol_era: 'modern',
      transport_deprecated: 1,
    };
    expect(toView(raw)).toEqual(viewOfEntity(server));
    // MySQL hands back Date objects for datetime columns.
    const mysql = {
      ...raw,
      created_at: server.createdAt,
      last_health_check: server.lastHealthCheck,
    };
    expect(toView(mysql)).toEqual(viewOfEntity(server));
  });
});
