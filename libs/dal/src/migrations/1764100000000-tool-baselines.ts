import { MigrationInterface, QueryRunner, Table, TableColumn, TableColumnOptions } from 'typeorm';
import { cascadeTo, columnTypes, dialectOf } from '../dialect';

const DRIFT_TABLES = ['mcp_servers', 'mcp_configurations'];

/**
 * Tool baselines and drift (issue 15). Each registry server and custom configuration gets the
 * fingerprint of the tools its last probe listed, the drift of those tools against its approved
 * baseline (`none`, or `added,removed,changed` in that order) and when that drift began. The
 * baseline and the last observation themselves (every tool's whole wire object and fingerprint)
 * live in `tool_snapshots`, one row per server or configuration, read only when the tools
 * change, a drift is reviewed or a baseline approved, so the registry's reads stay as small.
 *
 * SQLite adds and drops the plain columns in place (ALTER TABLE … ADD/DROP COLUMN), as in
 * 1763901420000-oauth-refresh: TypeORM's way rebuilds the table, which would cascade.
 */
export class ToolBaselines1764100000000 implements MigrationInterface {
  name = 'ToolBaselines1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(dialectOf(queryRunner.connection.options.type));
    for (const table of DRIFT_TABLES) {
      const columns = this.driftColumns(queryRunner);
      if (this.isSqlite(queryRunner)) {
        for (const column of columns) {
          await queryRunner.query(
            `ALTER TABLE "${table}" ADD COLUMN "${column.name}" ${column.type}` +
              (column.length ? `(${column.length})` : '') +
              ' NULL',
          );
        }
      } else {
        await queryRunner.addColumns(
          table,
          columns.map((column) => new TableColumn(column)),
        );
      }
    }
    await queryRunner.createTable(
      new Table({
        name: 'tool_snapshots',
        columns: [
          t.id('organization_id', 64, true),
          t.id('resource_type', 32, true),
          t.id('resource_id', 64, true),
          t.varchar('baseline_fingerprint', 64, true),
          t.text('baseline_tools'),
          t.text('baseline_index'),
          t.varchar('baseline_source', 16, true),
          t.timestamp('baseline_approved_at', true),
          t.varchar('baseline_approved_by', 64, true),
          t.varchar('observed_fingerprint', 64),
          t.text('observed_tools', false),
          t.text('observed_index', false),
          t.timestamp('observed_at'),
        ],
        foreignKeys: [cascadeTo('organization_id', 'organizations')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('tool_snapshots');
    for (const table of [...DRIFT_TABLES].reverse()) {
      const names = this.driftColumns(queryRunner)
        .map((column) => column.name)
        .reverse();
      if (this.isSqlite(queryRunner)) {
        for (const name of names) {
          await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "${name}"`);
        }
      } else {
        await queryRunner.dropColumns(table, names);
      }
    }
  }

  private driftColumns(queryRunner: QueryRunner): TableColumnOptions[] {
    const t = columnTypes(dialectOf(queryRunner.connection.options.type));
    return [
      t.varchar('tools_fingerprint', 64, true),
      t.varchar('tools_drift', 32, true),
      t.timestamp('drift_detected_at', true),
    ];
  }

  private isSqlite(queryRunner: QueryRunner): boolean {
    return dialectOf(queryRunner.connection.options.type) === 'sqlite';
  }
}
