import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JSON_COLUMN } from './json-column';
import type { McpServerAuthType, McpServerTransport } from './mcp-server.entity';
import { utcDate } from './timestamp.transformer';

export const MCP_SERVER_VERSION_STATUSES = ['active', 'deleted'] as const;
export type McpServerVersionStatus = (typeof MCP_SERVER_VERSION_STATUSES)[number];

/**
 * One version of a registry server as the official registry API (`/v0.1`) serves it, keyed by
 * the name (the organization's namespace + the alias) and the version. The registry's write path
 * keeps these rows: a create or a PUT writes the server's current version; a PUT with a new
 * `version` adds a row and leaves the previous one as it was; a delete leaves the rows as
 * tombstones (`deleted`), so readers syncing with `updated_since` learn of it. The columns are a
 * copy of what the entry shows (never a secret: header and env names only), so a tombstone still
 * renders, and who may read it (access groups, public catalog) is kept on the row as well.
 */
@Index('ix_mcp_server_versions_server', ['organizationId', 'serverId'])
@Entity('mcp_server_versions')
export class McpServerVersionEntity {
  @PrimaryColumn({ name: 'organization_id', type: 'varchar', length: 64 })
  organizationId!: string;

  /** The alias folded (mcp_servers.alias_key): names compare case-insensitively, like aliases. */
  @PrimaryColumn({ name: 'alias_key', type: 'varchar', length: 64 })
  aliasKey!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  version!: string;

  /** The registry server the row belongs (or belonged) to. */
  @Column({ name: 'server_id', type: 'varchar', length: 64 })
  serverId!: string;

  /**
   * The organization's namespace when the row was last written (a namespace change rewrites the
   * organization's rows): the name is `<namespace>/<alias>`.
   */
  @Column({ type: 'varchar', length: 100 })
  namespace!: string;

  @Column({ type: 'varchar', length: 64 })
  alias!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: McpServerVersionStatus;

  /** The server's current version (one row per live server); a tombstone keeps the flag. */
  @Column({ name: 'is_latest', type: 'boolean', default: false })
  isLatest!: boolean;

  @Column({ name: 'published_at', type: 'datetime', precision: 3, transformer: utcDate })
  publishedAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3, transformer: utcDate })
  updatedAt!: Date;

  /** server_name, cut to the official 100 characters. */
  @Column({ type: 'varchar', length: 100 })
  title!: string;

  /** The description as served (at most 100 characters, never empty); search reads it. */
  @Column({ type: 'varchar', length: 100 })
  description!: string;

  @Column({ type: 'varchar', length: 32 })
  transport!: McpServerTransport;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  url!: string | null;

  @Column({ name: 'auth_type', type: 'varchar', length: 32 })
  authType!: McpServerAuthType;

  /** The header an api_key credential goes in (its name, never its value). */
  @Column({ name: 'credential_header', type: 'varchar', length: 128, nullable: true })
  credentialHeader!: string | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  command!: string | null;

  @Column({ type: JSON_COLUMN })
  args!: string[];

  /** Names of the stdio env variables (the values stay sealed on the server). */
  @Column({ name: 'env_keys', type: JSON_COLUMN })
  envKeys!: string[];

  @Column({ name: 'logo_url', type: 'varchar', length: 2048, nullable: true })
  logoUrl!: string | null;

  /** The server's access groups as `|a|b|` (empty: none), for reads without the server row. */
  @Column({ name: 'access_groups', type: 'text' })
  accessGroups!: string;

  @Column({ name: 'has_access_groups', type: 'boolean', default: false })
  hasAccessGroups!: boolean;

  @Column({ name: 'catalog_public', type: 'boolean', default: false })
  catalogPublic!: boolean;
}
