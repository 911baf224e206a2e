import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { cascadeTo, columnTypes, dialectOf } from '../dialect';

/** The server registry (API.md §4): servers, their access groups, and the health columns. */
export class McpServers1763900200000 implements MigrationInterface {
  name = 'McpServers1763900200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner.connection.options.type);
    const t = columnTypes(dialect);
    // Sealed values are base64url ASCII; a binary collation keeps the rotation job's
    // compare-and-set on the old ciphertext exact on MySQL.
    const sealed = (name: string) => ({
      ...t.text(name),
      ...(dialect === 'mysql' ? { charset: 'ascii', collation: 'ascii_bin' } : {}),
    });
    // Access groups match byte for byte on both databases (SQLite compares binary; MySQL's
    // default collation would fold case and trailing spaces).
    const accessGroup = {
      ...t.varchar('access_group', 128),
      isPrimary: true,
      ...(dialect === 'mysql' ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {}),
    };

    await queryRunner.createTable(
      new Table({
        name: 'mcp_servers',
        columns: [
          t.id('server_id', 64, true),
          t.id('organization_id'),
          t.varchar('server_name', 128),
          t.id('server_name_key', 64),
          t.varchar('alias', 64),
          t.id('alias_key', 64),
          t.text('description'),
          t.varchar('transport', 32),
          t.varchar('spec_version', 16),
          t.varchar('auth_type', 32),
          t.varchar('url', 2048, true),
          t.text('mcp_info', false),
          t.varchar('command', 1024, true),
          t.text('args', false),
          t.text('env_keys', false),
          sealed('env_sealed'),
          t.text('credential_keys'),
          sealed('credentials_sealed'),
          t.text('allowed_tools', false),
          t.bool('has_access_groups', false),
          t.bool('health_check_enabled', true),
          t.timestamp('created_at'),
          t.varchar('created_by', 64),
          t.timestamp('updated_at'),
          t.varchar('updated_by', 64),
          t.int('version', false, 1),
          { ...t.varchar('status', 16), default: "'unknown'" },
          t.timestamp('last_health_check', true),
          t.text('health_check_error'),
          t.int('tool_count', true),
          t.int('latency_ms', true),
          t.int('consecutive_failures', false, 0),
          t.text('discovered_tools'),
          t.timestamp('next_check_at', true),
          t.varchar('claim_owner', 128, true),
          t.timestamp('claim_expires_at', true),
        ],
        foreignKeys: [cascadeTo('organization_id', 'organizations')],
        indices: [
          new TableIndex({
            name: 'uq_mcp_servers_org_server_name_key',
            columnNames: ['organization_id', 'server_name_key'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'uq_mcp_servers_org_alias_key',
            columnNames: ['organization_id', 'alias_key'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'ix_mcp_servers_org_created',
            columnNames: ['organization_id', 'created_at', 'server_id'],
          }),
          new TableIndex({
            name: 'ix_mcp_servers_health_due',
            columnNames: ['health_check_enabled', 'next_check_at'],
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'mcp_server_access_groups',
        columns: [{ ...t.id('server_id'), isPrimary: true }, t.id('organization_id'), accessGroup],
        foreignKeys: [cascadeTo('server_id', 'mcp_servers', 'server_id')],
        indices: [
          new TableIndex({
            name: 'ix_mcp_server_access_groups_org_group',
            columnNames: ['organization_id', 'access_group', 'server_id'],
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('mcp_server_access_groups', true);
    await queryRunner.dropTable('mcp_servers', true);
  }
}
