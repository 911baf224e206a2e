import {
  MigrationInterface,
  QueryRunner,
  Table,
  TableColumn,
  TableColumnOptions,
  TableIndex,
} from 'typeorm';
import { cascadeTo, columnTypes, Dialect, dialectOf } from '../dialect';
import type { McpServerInfo } from '../entities/mcp-server.entity';
import { defaultRegistryNamespace } from '@app/core';
import { versionColumnsOf } from '../repositories/mcp-server-version/version-row';

type RawRow = Record<string, unknown>;

const BATCH = 500;

/**
 * The official MCP registry read API (issue 16): each organization's namespace and public
 * catalog switch, each server's release `version` and public flag, and `mcp_server_versions`,
 * the rows `/v0.1` serves (versions and tombstones), with one row for every server that exists,
 * as its version 1.0.0. An api_key server's header name is sealed with its credentials, which a
 * migration cannot open: those rows name no header until the server is next written.
 *
 * SQLite adds and drops the plain columns in place (ALTER TABLE): TypeORM's way rebuilds the
 * table, and dropping the old copy of organizations would cascade to everything in them.
 */
export class OfficialRegistry1764200000000 implements MigrationInterface {
  name = 'OfficialRegistry1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner.connection.options.type);
    const t = columnTypes(dialect);
    await addColumns(queryRunner, dialect, 'organizations', [
      { ...t.id('registry_namespace', 100), isNullable: true },
      t.bool('public_catalog', false),
    ]);
    await queryRunner.createIndex(
      'organizations',
      new TableIndex({
        name: 'uq_organizations_registry_namespace',
        columnNames: ['registry_namespace'],
        isUnique: true,
      }),
    );
    await addColumns(queryRunner, dialect, 'mcp_servers', [
      { ...t.varchar('server_version', 64), default: "'1.0.0'" },
      t.bool('catalog_public', false),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'mcp_server_versions',
        columns: [
          t.id('organization_id', 64, true),
          { ...t.id('alias_key', 64), isPrimary: true },
          { ...t.id('version', 64), isPrimary: true },
          t.id('server_id'),
          t.id('namespace', 100),
          t.id('alias', 64),
          t.varchar('status', 16),
          t.bool('is_latest', false),
          t.timestamp('published_at'),
          t.timestamp('updated_at'),
          t.varchar('title', 100),
          t.varchar('description', 100),
          t.varchar('transport', 32),
          t.varchar('url', 2048, true),
          t.varchar('auth_type', 32),
          t.varchar('credential_header', 128, true),
          t.varchar('command', 1024, true),
          t.text('args', false),
          t.text('env_keys', false),
          t.varchar('logo_url', 2048, true),
          // Matched byte-wise by INSTR (MySQL's default collation would fold case).
          {
            ...t.text('access_groups', false),
            ...(dialect === 'mysql' ? { charset: 'ascii', collation: 'ascii_bin' } : {}),
          },
          t.bool('has_access_groups', false),
          t.bool('catalog_public', false),
        ],
        foreignKeys: [cascadeTo('organization_id', 'organizations')],
        indices: [
          new TableIndex({
            name: 'ix_mcp_server_versions_server',
            columnNames: ['organization_id', 'server_id'],
          }),
        ],
      }),
    );
    await backfill(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner.connection.options.type);
    await queryRunner.dropTable('mcp_server_versions', true);
    await dropColumns(queryRunner, dialect, 'mcp_servers', ['catalog_public', 'server_version']);
    await queryRunner.dropIndex('organizations', 'uq_organizations_registry_namespace');
    await dropColumns(queryRunner, dialect, 'organizations', [
      'public_catalog',
      'registry_namespace',
    ]);
  }
}

async function addColumns(
  queryRunner: QueryRunner,
  dialect: Dialect,
  table: string,
  columns: TableColumnOptions[],
): Promise<void> {
  if (dialect === 'mysql') {
    await queryRunner.addColumns(
      table,
      columns.map((column) => new TableColumn(column)),
    );
    return;
  }
  for (const column of columns) {
    const type = column.length ? `${column.type}(${column.length})` : column.type;
    const nullable = column.isNullable ? 'NULL' : 'NOT NULL';
    const fallback = column.default === undefined ? '' : ` DEFAULT ${String(column.default)}`;
    await queryRunner.query(
      `ALTER TABLE "${table}" ADD COLUMN "${column.name}" ${type} ${nullable}${fallback}`,
    );
  }
}

async function dropColumns(
  queryRunner: QueryRunner,
  dialect: Dialect,
  table: string,
  columns: string[],
): Promise<void> {
  if (dialect === 'mysql') {
    await queryRunner.dropColumns(table, columns);
    return;
  }
  for (const column of columns) {
    await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "${column}"`);
  }
}

function json<T>(raw: unknown, fallback: T): T {
  if (raw === null || raw === undefined) return fallback;
  return (typeof raw === 'string' ? JSON.parse(raw) : raw) as T;
}

/** A version 1.0.0 row for every server, in batches, in (organization, server id) order. */
async function backfill(queryRunner: QueryRunner): Promise<void> {
  let after: [string, string] = ['', ''];
  for (;;) {
    const servers: RawRow[] = await queryRunner.query(
      'SELECT * FROM mcp_servers WHERE organization_id > ? OR (organization_id = ? AND server_id > ?)' +
        ' ORDER BY organization_id, server_id LIMIT ?',
      [after[0], after[0], after[1], BATCH],
    );
    if (servers.length === 0) return;
    for (const server of servers) await backfillOne(queryRunner, server);
    const last = servers[servers.length - 1];
    after = [String(last.organization_id), String(last.server_id)];
  }
}

async function backfillOne(queryRunner: QueryRunner, server: RawRow): Promise<void> {
  const organizationId = String(server.organization_id);
  const serverId = String(server.server_id);
  const groups: RawRow[] = await queryRunner.query(
    'SELECT access_group FROM mcp_server_access_groups WHERE organization_id = ? AND server_id = ?',
    [organizationId, serverId],
  );
  const info = json<Partial<McpServerInfo>>(server.mcp_info, {});
  const columns = versionColumnsOf({
    serverId,
    serverName: String(server.server_name),
    alias: String(server.alias),
    description: (server.description as string | null) ?? null,
    transport: server.transport as never,
    url: (server.url as string | null) ?? null,
    authType: server.auth_type as never,
    credentialHeader: null,
    command: (server.command as string | null) ?? null,
    args: json<string[]>(server.args, []),
    envKeys: json<string[]>(server.env_keys, []),
    mcpInfo: {
      server_name: info.server_name ?? null,
      description: info.description ?? null,
      logo_url: info.logo_url ?? null,
      mcp_server_cost_info: { default_cost_per_query: 0, tool_name_to_cost_per_query: {} },
    },
    serverVersion: '1.0.0',
    catalogPublic: false,
    accessGroups: groups.map((group) => String(group.access_group)),
  });
  const row: Record<string, unknown> = {
    organization_id: organizationId,
    alias_key: columns.aliasKey,
    version: columns.version,
    server_id: serverId,
    namespace: defaultRegistryNamespace(organizationId),
    alias: columns.alias,
    status: 'active',
    is_latest: 1,
    published_at: server.created_at,
    updated_at: server.updated_at,
    title: columns.title,
    description: columns.description,
    transport: columns.transport,
    url: columns.url,
    auth_type: columns.authType,
    credential_header: null,
    command: columns.command,
    args: JSON.stringify(columns.args),
    env_keys: JSON.stringify(columns.envKeys),
    logo_url: columns.logoUrl,
    access_groups: columns.accessGroups,
    has_access_groups: columns.hasAccessGroups ? 1 : 0,
    catalog_public: 0,
  };
  const names = Object.keys(row);
  await queryRunner.query(
    `INSERT INTO mcp_server_versions (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    names.map((name) => row[name]),
  );
}
