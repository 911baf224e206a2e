import { MigrationInterface, QueryRunner, Table, TableForeignKey } from 'typeorm';
import { dialectOf } from '../dialect';

const SERVERS = 'mcp_servers';
const GROUPS = 'mcp_server_access_groups';

/**
 * `server_id` is unique per organization (issue 11): two organizations may both register
 * "github", and a 409 no longer tells one that the other uses an id. The key of `mcp_servers`
 * becomes (server_id, organization_id) and the access-group rows follow it with a composite
 * foreign key. server_id leads both keys so that a platform admin's lookup by id alone is an
 * index range; organization reads keep their own (organization_id, ...) indexes. Every other
 * table that names a server (audit events, claims and health live in `mcp_servers` itself)
 * carries the organization beside the id already. Existing rows are kept as they are: under the
 * old key every server_id was unique, so every row is unique under the new one.
 */
export class ServerIdPerOrganization1763900700000 implements MigrationInterface {
  name = 'ServerIdPerOrganization1763900700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.dropServerForeignKey(queryRunner);
    await this.setPrimaryKey(queryRunner, SERVERS, ['server_id', 'organization_id']);
    await this.setPrimaryKey(queryRunner, GROUPS, ['server_id', 'organization_id', 'access_group']);
    await queryRunner.createForeignKey(
      GROUPS,
      new TableForeignKey({
        name: 'fk_mcp_server_access_groups_server',
        columnNames: ['server_id', 'organization_id'],
        referencedTableName: SERVERS,
        referencedColumnNames: ['server_id', 'organization_id'],
        onDelete: 'CASCADE',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const [shared] = (await queryRunner.query(
      `SELECT server_id FROM ${SERVERS} GROUP BY server_id HAVING COUNT(*) > 1 LIMIT 1`,
    )) as { server_id: string }[];
    if (shared) {
      throw new Error(
        'Cannot revert: a server_id is used by several organizations; rename or delete those servers first',
      );
    }
    await this.dropServerForeignKey(queryRunner);
    await this.setPrimaryKey(queryRunner, GROUPS, ['server_id', 'access_group']);
    await this.setPrimaryKey(queryRunner, SERVERS, ['server_id']);
    await queryRunner.createForeignKey(
      GROUPS,
      new TableForeignKey({
        columnNames: ['server_id'],
        referencedTableName: SERVERS,
        referencedColumnNames: ['server_id'],
        onDelete: 'CASCADE',
      }),
    );
  }

  private async dropServerForeignKey(queryRunner: QueryRunner): Promise<void> {
    const groups = await this.table(queryRunner, GROUPS);
    const foreignKey = groups.foreignKeys.find((fk) => fk.referencedTableName.endsWith(SERVERS));
    if (foreignKey) await queryRunner.dropForeignKey(groups, foreignKey);
  }

  /**
   * MySQL changes the key in place, in the order given. SQLite has no ALTER for keys: TypeORM
   * rebuilds the table (copying every row, with foreign keys off during migrations), and the key
   * takes the table's column order (server_id and organization_id come first in both tables).
   */
  private async setPrimaryKey(
    queryRunner: QueryRunner,
    tableName: string,
    columnNames: string[],
  ): Promise<void> {
    const table = await this.table(queryRunner, tableName);
    const columns = columnNames.map((name) => {
      const column = table.findColumnByName(name);
      if (!column) throw new Error(`${tableName}.${name} is missing`);
      return column;
    });
    if (dialectOf(queryRunner.connection.options.type) === 'mysql') {
      await queryRunner.updatePrimaryKeys(table, columns);
      return;
    }
    // The rebuild copies rows by column position, so the columns keep their order (reordering
    // them would move values between columns).
    const changed = table.clone();
    for (const column of changed.columns) column.isPrimary = columnNames.includes(column.name);
    await (queryRunner as unknown as SqliteRebuild).recreateTable(changed, table);
  }

  private async table(queryRunner: QueryRunner, name: string): Promise<Table> {
    const table = await queryRunner.getTable(name);
    if (!table) throw new Error(`table ${name} is missing`);
    return table;
  }
}

/** TypeORM's SQLite query runner rebuilds a table this way for every schema change it makes. */
interface SqliteRebuild {
  recreateTable(newTable: Table, oldTable: Table): Promise<void>;
}
