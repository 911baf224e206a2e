import { MigrationInterface, QueryRunner, TableColumn, TableColumnOptions } from 'typeorm';
import { columnTypes, dialectOf } from '../dialect';

const REFRESH_TABLES = ['mcp_servers', 'mcp_configurations'];

/**
 * OAuth credentials that renew themselves (issue 14): a short refresh lease on each row holding
 * credentials, so across replicas one refresh happens per expiry (a rotating refresh token is
 * used once), and the failure kind of a server's last probe, so the CI gate can tell
 * authorization failures apart.
 *
 * SQLite adds and drops these plain columns in place (ALTER TABLE … ADD/DROP COLUMN): TypeORM's
 * way rebuilds the table, and dropping mcp_servers would cascade to its access-group rows when
 * foreign keys are on (as they are while `migration:revert` runs).
 */
export class OAuthRefresh1763901420000 implements MigrationInterface {
  name = 'OAuthRefresh1763901420000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, columns] of this.columns(queryRunner)) {
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
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, columns] of this.columns(queryRunner).reverse()) {
      if (this.isSqlite(queryRunner)) {
        for (const column of [...columns].reverse()) {
          await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "${column.name}"`);
        }
      } else {
        await queryRunner.dropColumns(
          table,
          columns.map((column) => column.name),
        );
      }
    }
  }

  private columns(queryRunner: QueryRunner): [string, TableColumnOptions[]][] {
    const t = columnTypes(dialectOf(queryRunner.connection.options.type));
    const lease = [
      t.varchar('credentials_refresh_owner', 128, true),
      t.timestamp('credentials_refresh_until', true),
    ];
    return [
      ...REFRESH_TABLES.map((table): [string, TableColumnOptions[]] => [table, lease]),
      ['mcp_servers', [t.varchar('health_check_error_kind', 32, true)]],
    ];
  }

  private isSqlite(queryRunner: QueryRunner): boolean {
    return dialectOf(queryRunner.connection.options.type) === 'sqlite';
  }
}
