import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnTypes, dialectOf } from '../dialect';

/**
 * What the last probe agreed on with each registry server (issue 14): the protocol version and
 * era (`modern` 2026-07-28+, `legacy` for the 2025 `initialize` handshake), whether it spoke the
 * deprecated HTTP+SSE transport, and until when a modern server's tool list is fresh by its own
 * caching hint (the next background round may skip listing it once). Existing rows start unknown.
 */
export class ProbeProtocolEra1763901500000 implements MigrationInterface {
  name = 'ProbeProtocolEra1763901500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(dialectOf(queryRunner.connection.options.type));
    await queryRunner.addColumns('mcp_servers', [
      new TableColumn(t.varchar('protocol_version', 32, true)),
      new TableColumn(t.varchar('protocol_era', 16, true)),
      new TableColumn(t.bool('transport_deprecated', false)),
      new TableColumn(t.timestamp('tools_fresh_until', true)),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Plain ALTER TABLE on both databases: on SQLite, TypeORM's dropColumn rebuilds the table,
    // and dropping the old copy would cascade to every access-group row of every server.
    for (const column of [
      'tools_fresh_until',
      'transport_deprecated',
      'protocol_era',
      'protocol_version',
    ]) {
      await queryRunner.query(`ALTER TABLE mcp_servers DROP COLUMN ${column}`);
    }
  }
}
