import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnTypes, dialectOf } from '../dialect';

/**
 * OAuth credentials that renew themselves (issue 14): a short refresh lease on each row holding
 * credentials, so across replicas one refresh happens per expiry (a rotating refresh token is
 * used once), and the failure kind of a server's last probe, so the CI gate can tell
 * authorization failures apart.
 */
export class OAuthRefresh1763901420000 implements MigrationInterface {
  name = 'OAuthRefresh1763901420000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = columnTypes(dialectOf(queryRunner.connection.options.type));
    for (const table of ['mcp_servers', 'mcp_configurations']) {
      await queryRunner.addColumns(table, [
        new TableColumn(t.varchar('credentials_refresh_owner', 128, true)),
        new TableColumn(t.timestamp('credentials_refresh_until', true)),
      ]);
    }
    await queryRunner.addColumn(
      'mcp_servers',
      new TableColumn(t.varchar('health_check_error_kind', 32, true)),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('mcp_servers', 'health_check_error_kind');
    for (const table of ['mcp_configurations', 'mcp_servers']) {
      await queryRunner.dropColumns(table, [
        'credentials_refresh_until',
        'credentials_refresh_owner',
      ]);
    }
  }
}
