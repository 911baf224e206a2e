import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { cascadeTo, columnTypes, dialectOf } from '../dialect';

/** Custom MCP configurations (API.md §3), with sealed credentials and soft delete. */
export class McpConfigurations1763900100000 implements MigrationInterface {
  name = 'McpConfigurations1763900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const dialect = dialectOf(queryRunner.connection.options.type);
    const t = columnTypes(dialect);
    // Sealed values are base64url ASCII; a binary collation keeps the rotation job's
    // compare-and-set on the old ciphertext exact on MySQL (the default collation ignores case).
    const sealed = {
      ...t.text('credentials_sealed'),
      ...(dialect === 'mysql' ? { charset: 'ascii', collation: 'ascii_bin' } : {}),
    };

    await queryRunner.createTable(
      new Table({
        name: 'mcp_configurations',
        columns: [
          t.id('id', 64, true),
          t.id('organization_id'),
          { ...t.id('user_id'), isNullable: true },
          t.varchar('name', 128),
          { ...t.id('active_name_key'), isNullable: true },
          t.varchar('type', 32),
          t.varchar('server_url', 2048),
          t.varchar('transport_type', 32),
          t.varchar('auth_type', 32),
          sealed,
          t.text('tool_configuration', false),
          t.bool('is_active', true),
          t.varchar('connection_status', 16),
          t.timestamp('last_connected_at', true),
          t.text('error_message'),
          t.text('discovered_tools'),
          t.int('latency_ms', true),
          t.timestamp('created_at'),
          t.timestamp('updated_at'),
          t.timestamp('deleted_at', true),
        ],
        foreignKeys: [cascadeTo('organization_id', 'organizations')],
        indices: [
          new TableIndex({
            name: 'uq_mcp_configurations_org_active_name',
            columnNames: ['organization_id', 'active_name_key'],
            isUnique: true,
          }),
          new TableIndex({
            name: 'ix_mcp_configurations_org_created',
            columnNames: ['organization_id', 'created_at', 'id'],
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('mcp_configurations', true);
  }
}
