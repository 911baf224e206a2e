import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnTypes, dialectOf } from '../dialect';

/**
 * A write version per custom configuration, bumped by every change made through the API: the
 * configuration's ETag carries it and If-Match compares it, as for registry servers. Existing
 * rows start at 1.
 */
export class ConfigurationVersions1763900800000 implements MigrationInterface {
  name = 'ConfigurationVersions1763900800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(dialectOf(queryRunner.connection.options.type));
    await queryRunner.addColumn('mcp_configurations', new TableColumn(t.int('version', false, 1)));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('mcp_configurations', 'version');
  }
}
