import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnTypes, dialectOf } from '../dialect';

const TABLES = ['mcp_servers', 'mcp_configurations'];

/**
 * The digest of the tool listing each server's (or configuration's) last fingerprint was taken
 * from (SHA-256 of the pages as the server sent them), written with that fingerprint: a probe
 * whose listing has the same digest reuses the fingerprint instead of computing canonical JSON and
 * hashes of every tool again (most of what a listing costs, see `npm run bench:fingerprint`).
 * SQLite adds and drops the plain column in place, as in 1764100000000-tool-baselines.
 */
export class ToolListingDigest1764100100000 implements MigrationInterface {
  name = 'ToolListingDigest1764100100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = dialectOf(queryRunner.connection.options.type) === 'sqlite';
    const column = columnTypes(dialectOf(queryRunner.connection.options.type)).varchar(
      'tools_digest',
      64,
      true,
    );
    for (const table of TABLES) {
      if (sqlite) {
        await queryRunner.query(
          `ALTER TABLE "${table}" ADD COLUMN "tools_digest" varchar(64) NULL`,
        );
      } else {
        await queryRunner.addColumn(table, new TableColumn(column));
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const sqlite = dialectOf(queryRunner.connection.options.type) === 'sqlite';
    for (const table of [...TABLES].reverse()) {
      if (sqlite) await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "tools_digest"`);
      else await queryRunner.dropColumn(table, 'tools_digest');
    }
  }
}
