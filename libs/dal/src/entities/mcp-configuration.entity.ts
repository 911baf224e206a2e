import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JSON_COLUMN } from './json-column';
import type { DiscoveredTool } from './mcp-server.entity';
import { utcDate } from './timestamp.transformer';

export const MCP_TRANSPORT_TYPES = ['sse', 'streamable_http'] as const;
export type McpTransportType = (typeof MCP_TRANSPORT_TYPES)[number];

export const MCP_AUTH_TYPES = ['none', 'api_key', 'bearer_token', 'oauth'] as const;
export type McpAuthType = (typeof MCP_AUTH_TYPES)[number];

export const MCP_CONFIGURATION_TYPES = ['custom'] as const;
export type McpConfigurationType = (typeof MCP_CONFIGURATION_TYPES)[number];

export const MCP_CONNECTION_STATUSES = ['connected', 'disconnected', 'error'] as const;
export type McpConnectionStatus = (typeof MCP_CONNECTION_STATUSES)[number];

/** `tool_configuration` (API.md §3): with `enabled`, only `allowed_tools` are listed. */
export interface ToolConfiguration {
  enabled: boolean;
  allowed_tools: string[];
}

/** A custom MCP server configuration owned by an organization (API.md §3). */
@Index('uq_mcp_configurations_org_active_name', ['organizationId', 'activeNameKey'], {
  unique: true,
})
@Index('ix_mcp_configurations_org_created', ['organizationId', 'createdAt', 'id'])
@Entity('mcp_configurations')
export class McpConfigurationEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'organization_id', type: 'varchar', length: 64 })
  organizationId!: string;

  /** The `user_id` of the key that created the configuration; members may edit only their own. */
  @Column({ name: 'user_id', type: 'varchar', length: 64, nullable: true })
  userId!: string | null;

  @Column({ type: 'varchar', length: 128 })
  name!: string;

  /**
   * Fingerprint of the lower-cased name while the row is live, NULL once deleted. The unique
   * index on (organization_id, active_name_key) enforces "unique among non-deleted rows" the same
   * way on MySQL and SQLite (both allow many NULLs), free of collation and trailing-space rules.
   */
  @Column({ name: 'active_name_key', type: 'varchar', length: 64, nullable: true })
  activeNameKey!: string | null;

  @Column({ type: 'varchar', length: 32 })
  type!: McpConfigurationType;

  @Column({ name: 'server_url', type: 'varchar', length: 2048 })
  serverUrl!: string;

  @Column({ name: 'transport_type', type: 'varchar', length: 32 })
  transportType!: McpTransportType;

  @Column({ name: 'auth_type', type: 'varchar', length: 32 })
  authType!: McpAuthType;

  /** SecretBox.sealJson output bound to this row; NULL when there are no credentials. */
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

  @Column({ name: 'tool_configuration', type: JSON_COLUMN })
  toolConfiguration!: ToolConfiguration;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;

  @Column({ name: 'connection_status', type: 'varchar', length: 16 })
  connectionStatus!: McpConnectionStatus;

  @Column({
    name: 'last_connected_at',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  lastConnectedAt!: Date | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  /** The tools the last successful connection test discovered (null before one). */
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

  @Column({ name: 'latency_ms', type: 'int', nullable: true })
  latencyMs!: number | null;

  /** Bumped by every change made through the API; the ETag carries it, If-Match checks it. */
  @Column({ type: 'int', default: 1 })
  version!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3, transformer: utcDate })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3, transformer: utcDate })
  updatedAt!: Date;

  @Column({
    name: 'deleted_at',
    type: 'datetime',
    precision: 3,
    nullable: true,
    transformer: utcDate,
  })
  deletedAt!: Date | null;
}
