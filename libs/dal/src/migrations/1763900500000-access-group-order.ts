import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';
import { dialectOf } from '../dialect';

/**
 * A member's list reads, for each of its access groups, the servers of that group in creation
 * order. With the server's creation instant on the access-group row and in the index, each group
 * is a bounded index range (at most one page) instead of every row of the group joined to its
 * server and sorted.
 */
export class AccessGroupOrder1763900500000 implements MigrationInterface {
  name = 'AccessGroupOrder1763900500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type =
      dialectOf(queryRunner.connection.options.type) === 'mysql' ? 'datetime(3)' : 'datetime';
    await queryRunner.query(
      `ALTER TABLE mcp_server_access_groups ADD COLUMN server_created_at ${type} NULL`,
    );
    await queryRunner.query(
      'UPDATE mcp_server_access_groups SET server_created_at = (SELECT s.created_at' +
        ' FROM mcp_servers s WHERE s.server_id = mcp_server_access_groups.server_id)',
    );
    await queryRunner.createIndex(
      'mcp_server_access_groups',
      new TableIndex({
        name: 'ix_mcp_server_access_groups_org_group_order',
        columnNames: ['organization_id', 'access_group', 'server_created_at', 'server_id'],
      }),
    );
    await queryRunner.dropIndex(
      'mcp_server_access_groups',
      'ix_mcp_server_access_groups_org_group',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex(
      'mcp_server_access_groups',
      new TableIndex({
        name: 'ix_mcp_server_access_groups_org_group',
        columnNames: ['organization_id', 'access_group', 'server_id'],
      }),
    );
    await queryRunner.dropIndex(
      'mcp_server_access_groups',
      'ix_mcp_server_access_groups_org_group_order',
    );
    await queryRunner.dropColumn('mcp_server_access_groups', 'server_created_at');
  }
}
