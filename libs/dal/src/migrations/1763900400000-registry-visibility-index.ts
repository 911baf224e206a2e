import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Members and viewers read "servers without access groups" as their own keyset range, ordered
 * by creation, instead of filtering every server of the organization.
 */
export class RegistryVisibilityIndex1763900400000 implements MigrationInterface {
  name = 'RegistryVisibilityIndex1763900400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'mcp_servers',
      new TableIndex({
        name: 'IDX_mcp_servers_ungrouped_order',
        columnNames: ['organization_id', 'has_access_groups', 'created_at', 'server_id'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('mcp_servers', 'IDX_mcp_servers_ungrouped_order');
  }
}
