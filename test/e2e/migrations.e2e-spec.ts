import { DataSource } from 'typeorm';
import { buildDataSourceOptions, MIGRATIONS, runMigrations } from '@app/dal';
import { parseDatabaseUrl } from '@app/core';
import { createSuiteDatabase, SuiteDatabase } from '../support/test-database';

describe('migrations', () => {
  let database: SuiteDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createSuiteDatabase();
    // One connection: migrations must not need a second one (DB_POOL_SIZE=1 is allowed).
    const config = parseDatabaseUrl(database.url, true, 1);
    const { ensureMysqlDatabase } = await import('@app/dal');
    await ensureMysqlDatabase(config);
    dataSource = await new DataSource(buildDataSourceOptions(config)).initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('applies every migration to an empty database, reverts them all, and applies them again', async () => {
    const applied = await runMigrations(dataSource);
    expect(applied).toEqual(MIGRATIONS.map((m) => new m().name ?? m.name));
    const inspector = dataSource.createQueryRunner();
    const tables = (await inspector.getTables()).map((t) => t.name.split('.').pop());
    await inspector.release();
    expect(tables).toEqual(
      expect.arrayContaining(['organizations', 'api_keys', 'teams', 'audit_events']),
    );

    for (let i = 0; i < MIGRATIONS.length; i += 1) await dataSource.undoLastMigration();
    const runner = dataSource.createQueryRunner();
    expect(await runner.hasTable('organizations')).toBe(false);
    await runner.release();

    expect(await runMigrations(dataSource)).toHaveLength(MIGRATIONS.length);
    expect(await runMigrations(dataSource)).toHaveLength(0);
  });

  it("gives access-group rows written before the order column their server's created_at", async () => {
    await runMigrations(dataSource);
    // Back to just before the access-group order column.
    const names = MIGRATIONS.map((m) => new m().name);
    const index = names.indexOf('AccessGroupOrder1763900500000');
    expect(index).toBeGreaterThan(0);
    for (let i = names.length - 1; i >= index; i -= 1) await dataSource.undoLastMigration();
    const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const at = now.toISOString().replace('T', ' ').replace('Z', '');
    await dataSource.query('INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)', [
      'org_backfill',
      'Backfill',
      at,
    ]);
    await dataSource.query(
      'INSERT INTO mcp_servers (server_id, organization_id, server_name, server_name_key, alias,' +
        ' alias_key, transport, spec_version, auth_type, mcp_info, args, env_keys, allowed_tools,' +
        ' has_access_groups, created_at, created_by, updated_at, updated_by)' +
        " VALUES ('srv-backfill', 'org_backfill', 'B', 'b', 'B', 'b', 'sse', '2025-06-18', 'none'," +
        " '{}', '[]', '[]', '[]', 1, ?, 'u', ?, 'u')",
      [at, at],
    );
    await dataSource.query(
      'INSERT INTO mcp_server_access_groups (server_id, organization_id, access_group)' +
        " VALUES ('srv-backfill', 'org_backfill', 'ops')",
    );
    expect(await runMigrations(dataSource)).toEqual(names.slice(index));
    const [row] = await dataSource.query(
      "SELECT server_created_at FROM mcp_server_access_groups WHERE server_id = 'srv-backfill'",
    );
    const value = row.server_created_at as Date | string;
    // MySQL returns a Date (the connection runs in UTC); SQLite the stored text.
    const instant =
      value instanceof Date ? value : new Date(`${value.replace(' ', 'T').replace(/Z?$/, 'Z')}`);
    expect(instant.toISOString()).toBe(now.toISOString());
  });
});
