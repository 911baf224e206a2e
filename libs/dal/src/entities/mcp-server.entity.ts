import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JSON_COLUMN } from './json-column';
import { utcDate } from './timestamp.transformer';

export const MCP_SERVER_TRANSPORTS = ['sse', 'http', 'streamable_http', 'stdio'] as const;
export type McpServerTransport = (typeof MCP_SERVER_TRANSPORTS)[number];

export const MCP_SPEC_VERSIONS = ['2024-11-05', '2025-03-26', '2025-06-18'] as const;
export type McpSpecVersion = (typeof MCP_SPEC_VERSIONS)[number];

export const MCP_SERVER_AUTH_TYPES = [
  'none',
  'api_key',
  'bearer_token',
  'basic',
  'authorization',
  'oauth',
] as const;
export type McpServerAuthType = (typeof MCP_SERVER_AUTH_TYPES)[number];

export const MCP_SERVER_STATUSES = ['healthy', 'unhealthy', 'unknown'] as const;
export type McpServerStatus = (typeof MCP_SERVER_STATUSES)[number];

/** `modern`: 2026-07-28+ (`server/discover`); `legacy`: the 2025 `initialize` handshake. */
export const MCP_PROTOCOL_ERAS = ['modern', 'legacy'] as const;
export type McpProtocolEra = (typeof MCP_PROTOCOL_ERAS)[number];

export interface McpServerCostInfo {
  default_cost_per_query: number;
  tool_name_to_cost_per_query: Record<string, number>;
}

/** `mcp_info` as stored: every key present, absent strings as null. */
export interface McpServerInfo {
  server_name: string | null;
  description: string | null;
  logo_url: string | null;
  mcp_server_cost_info: McpServerCostInfo;
}

export interface DiscoveredTool {
  name: string;
  description: string | null;
}

/**
 * A registry server (API.md §4). Env values and credentials are sealed with SecretBox; their key
 * names are kept in clear beside them so reads can mask without decrypting. The health columns
 * belong to the health checker. The key is (server_id, organization_id): a server_id is unique
 * inside its organization only. JSON documents are `JSON_COLUMN`s, as everywhere.
 */
@Index('uq_mcp_servers_org_server_name_key', ['organizationId', 'serverNameKey'], { unique: true })
@Index('uq_mcp_servers_org_alias_key', ['organizationId', 'aliasKey'], { unique: true })
@Index('ix_mcp_servers_org_created', ['organizationId', 'createdAt', 'serverId'])
@Index('ix_mcp_servers_health_due', ['healthCheckEnabled', 'nextCheckAt'])
@Index('IDX_mcp_servers_ungrouped_order', [
  'organizationId',
  'hasAccessGroups',
  'createdAt',
  'serverId',
])
@Entity('mcp_servers')
export class McpServerEntity {
  @PrimaryColumn({ name: 'server_id', type: 'varchar', length: 64 })
  serverId!: string;

  @PrimaryColumn({ name: 'organization_id', type: 'varchar', length: 64 })
  organizationId!: string;

  @Column({ name: 'server_name', type: 'varchar', length: 128 })
  serverName!: string;

  /** Folded name backing the per-organization case-insensitive unique index. */
  @Column({ name: 'server_name_key', type: 'varchar', length: 64 })
  serverNameKey!: string;

  @Column({ type: 'varchar', length: 64 })
  alias!: string;

  @Column({ name: 'alias_key', type: 'varchar', length: 64 })
  aliasKey!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 32 })
  transport!: McpServerTransport;

  @Column({ name: 'spec_version', type: 'varchar', length: 16 })
  specVersion!: McpSpecVersion;

  @Column({ name: 'auth_type', type: 'varchar', length: 32 })
  authType!: McpServerAuthType;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  url!: string | null;

  @Column({ name: 'mcp_info', type: JSON_COLUMN })
  mcpInfo!: McpServerInfo;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  command!: string | null;

  @Column({ type: JSON_COLUMN })
  args!: string[];

  /** Names of the sealed env variables, in clear, so masking never decrypts. */
  @Column({ name: 'env_keys', type: JSON_COLUMN })
  envKeys!: string[];

  @Column({ name: 'env_sealed', type: 'text', nullable: true })
  envSealed!: string | null;

  /** Field names of the sealed credentials (null when none are stored). */
  @Column({ name: 'credential_keys', type: JSON_COLUMN, nullable: true })
  credentialKeys!: string[] | null;

  @Column({ name: 'credentials_sealed', type: 'text', nullable: true })
  credentialsSealed!: string | null;

  /** Who is refreshing the OAuth token (a lease until `credentialsRefreshUntil`), else null. */
  @Column({ name: 'credentials_refresh_owner', type: 'varchar', length: 128, nullable: true })
  credentialsRefreshOwner!: string | null;

  @Column({
    name: 'credentials_refresh_until',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  credentialsRefreshUntil!: Date | null;

  @Column({ name: 'allowed_tools', type: JSON_COLUMN })
  allowedTools!: string[];

  /** Denormalised "has any row in mcp_server_access_groups", for the visibility query. */
  @Column({ name: 'has_access_groups', type: 'boolean', default: false })
  hasAccessGroups!: boolean;

  @Column({ name: 'health_check_enabled', type: 'boolean', default: true })
  healthCheckEnabled!: boolean;

  /**
   * The server's release in the official registry API (`version` in requests; SemVer
   * recommended). Not the write counter `version` below, which ETags compare.
   */
  @Column({ name: 'server_version', type: 'varchar', length: 64, default: '1.0.0' })
  serverVersion!: string;

  /** Served without an API key when the organization's catalog is public. */
  @Column({ name: 'catalog_public', type: 'boolean', default: false })
  catalogPublic!: boolean;

  @Column({ name: 'created_at', type: 'datetime', precision: 3, transformer: utcDate })
  createdAt!: Date;

  @Column({ name: 'created_by', type: 'varchar', length: 64 })
  createdBy!: string;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3, transformer: utcDate })
  updatedAt!: Date;

  @Column({ name: 'updated_by', type: 'varchar', length: 64 })
  updatedBy!: string;

  /** Bumped by every API write; ETags and If-Match compare it. */
  @Column({ type: 'int', default: 1 })
  version!: number;

  @Column({ type: 'varchar', length: 16, default: 'unknown' })
  status!: McpServerStatus;

  @Column({
    name: 'last_health_check',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  lastHealthCheck!: Date | null;

  @Column({ name: 'health_check_error', type: 'text', nullable: true })
  healthCheckError!: string | null;

  /** The failure kind of the last probe (README failure kinds), null after a healthy one. */
  @Column({ name: 'health_check_error_kind', type: 'varchar', length: 32, nullable: true })
  healthCheckErrorKind!: string | null;

  @Column({ name: 'tool_count', type: 'int', nullable: true })
  toolCount!: number | null;

  @Column({ name: 'latency_ms', type: 'int', nullable: true })
  latencyMs!: number | null;

  @Column({ name: 'consecutive_failures', type: 'int', default: 0 })
  consecutiveFailures!: number;

  @Column({ name: 'discovered_tools', type: JSON_COLUMN, nullable: true })
  discoveredTools!: DiscoveredTool[] | null;

  /** The fingerprint of the tool set the last listing probe found; null before one. */
  @Column({ name: 'tools_fingerprint', type: 'varchar', length: 64, nullable: true })
  toolsFingerprint!: string | null;

  /** SHA-256 of the listing `toolsFingerprint` was taken from (reused while it is the same). */
  @Column({ name: 'tools_digest', type: 'varchar', length: 64, nullable: true })
  toolsDigest!: string | null;

  /**
   * Drift of those tools against the approved baseline: `none`, or the kinds joined by commas
   * (entities/tool-drift.ts); null while there is no baseline to compare with.
   */
  @Column({ name: 'tools_drift', type: 'varchar', length: 32, nullable: true })
  toolsDrift!: string | null;

  /** When the current drift was first seen; null without drift. */
  @Column({
    name: 'drift_detected_at',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  driftDetectedAt!: Date | null;

  /** The protocol version the last probe that got that far agreed on. */
  @Column({ name: 'protocol_version', type: 'varchar', length: 32, nullable: true })
  protocolVersion!: string | null;

  @Column({ name: 'protocol_era', type: 'varchar', length: 16, nullable: true })
  protocolEra!: McpProtocolEra | null;

  /** The last probe spoke the deprecated HTTP+SSE transport. */
  @Column({ name: 'transport_deprecated', type: 'boolean', default: false })
  transportDeprecated!: boolean;

  /** A modern server's caching hint for the discovered tools (one background round may skip). */
  @Column({
    name: 'tools_fresh_until',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  toolsFreshUntil!: Date | null;

  @Column({
    name: 'next_check_at',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  nextCheckAt!: Date | null;

  @Column({ name: 'claim_owner', type: 'varchar', length: 128, nullable: true })
  claimOwner!: string | null;

  @Column({
    name: 'claim_expires_at',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  claimExpiresAt!: Date | null;
}
