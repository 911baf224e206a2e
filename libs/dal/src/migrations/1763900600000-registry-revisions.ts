import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { cascadeTo, columnTypes, dialectOf } from '../dialect';

/**
 * A counter per organization, bumped by every write that changes what a registry list shows
 * (servers, their access groups and health, teams and their grants). A rendered list page is
 * reused only while the counter it was rendered at is still current. The counter is the sum of
 * a few shard rows, so concurrent writers of one organization rarely wait on the same row lock.
 */
export class RegistryRevisions1763900600000 implements MigrationInterface {
  name = 'RegistryRevisions1763900600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(dialectOf(queryRunner.connection.options.type));
    await queryRunner.createTable(
      new Table({
        name: 'registry_revisions',
        columns: [
          t.id('organization_id', 64, true),
          { name: 'shard', type: 'int', isPrimary: true },
          { name: 'revision', type: 'bigint', default: 0 },
        ],
        foreignKeys: [cascadeTo('organization_id', 'organizations')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('registry_revisions');
  }
}
