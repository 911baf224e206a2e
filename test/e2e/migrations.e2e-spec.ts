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

describe('migration: server_id unique per organization', () => {
  let database: SuiteDatabase;
  let dataSource: DataSource;
  const names = MIGRATIONS.map((m) => new m().name);
  const index = names.indexOf('ServerIdPerOrganization1763900700000');
  const at = '2026-01-02 03:04:05.678';

  /** Reverts the later migrations, leaving this one applied. */
  async function downToIt(): Promise<void> {
    for (let i = names.length - 1; i > index; i -= 1) await dataSource.undoLastMigration();
  }

  beforeAll(async () => {
    database = await createSuiteDatabase();
    const config = parseDatabaseUrl(database.url, true, 1);
    const { ensureMysqlDatabase } = await import('@app/dal');
    await ensureMysqlDatabase(config);
    dataSource = await new DataSource(buildDataSourceOptions(config)).initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  async function insertServer(organizationId: string, serverId: string, name: string) {
    await dataSource.query(
      'INSERT INTO mcp_servers (server_id, organization_id, server_name, server_name_key, alias,' +
        ' alias_key, transport, spec_version, auth_type, mcp_info, args, env_keys, allowed_tools,' +
        ' has_access_groups, env_sealed, created_at, created_by, updated_at, updated_by)' +
        " VALUES (?, ?, ?, ?, ?, ?, 'sse', '2025-06-18', 'none', '{}', '[]', '[\"K\"]', '[]', 1," +
        " 'sealed-value', ?, 'u', ?, 'u')",
      [serverId, organizationId, name, name.toLowerCase(), name, name.toLowerCase(), at, at],
    );
    await dataSource.query(
      'INSERT INTO mcp_server_access_groups (server_id, organization_id, access_group,' +
        ' server_created_at) VALUES (?, ?, ?, ?)',
      [serverId, organizationId, `ops-${name}`, at],
    );
  }

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    const [row] = await dataSource.query(`SELECT COUNT(*) AS n FROM ${sql}`, params);
    return Number(row.n);
  }

  it('keeps every server and access-group row, then lets organizations share an id', async () => {
    await runMigrations(dataSource);
    const index = names.indexOf('ServerIdPerOrganization1763900700000');
    expect(index).toBeGreaterThan(0);
    await downToIt();
    await dataSource.undoLastMigration();
    for (const id of ['org_mig_a', 'org_mig_b']) {
      await dataSource.query('INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)', [
        id,
        id,
        at,
      ]);
    }
    await insertServer('org_mig_a', 'github', 'GitHubA');
    await insertServer('org_mig_a', 'jira', 'JiraA');
    await insertServer('org_mig_b', 'linear', 'LinearB');
    // Under the old key the id is global: organization B cannot take "github".
    await expect(insertServer('org_mig_b', 'github', 'GitHubB')).rejects.toThrow();

    expect(await runMigrations(dataSource)).toEqual(names.slice(index));

    expect(await count('mcp_servers')).toBe(3);
    expect(await count('mcp_server_access_groups')).toBe(3);
    const [kept] = await dataSource.query(
      'SELECT server_name, env_sealed, created_at FROM mcp_servers WHERE server_id = ?',
      ['github'],
    );
    expect(kept.server_name).toBe('GitHubA');
    expect(kept.env_sealed).toBe('sealed-value');
    const groups = await dataSource.query(
      'SELECT server_id, organization_id, access_group FROM mcp_server_access_groups' +
        ' ORDER BY server_id',
    );
    expect(groups).toEqual([
      { server_id: 'github', organization_id: 'org_mig_a', access_group: 'ops-GitHubA' },
      { server_id: 'jira', organization_id: 'org_mig_a', access_group: 'ops-JiraA' },
      { server_id: 'linear', organization_id: 'org_mig_b', access_group: 'ops-LinearB' },
    ]);

    // Now B may register "github"; a second "github" in A is still refused.
    await insertServer('org_mig_b', 'github', 'GitHubB');
    await expect(insertServer('org_mig_a', 'github', 'GitHubA2')).rejects.toThrow();
    expect(await count('mcp_servers WHERE server_id = ?', ['github'])).toBe(2);

    // The composite foreign key cascades to exactly one organization's access groups.
    await dataSource.query('DELETE FROM mcp_servers WHERE server_id = ? AND organization_id = ?', [
      'github',
      'org_mig_a',
    ]);
    expect(await count('mcp_server_access_groups WHERE server_id = ?', ['github'])).toBe(1);
    const [left] = await dataSource.query(
      'SELECT organization_id FROM mcp_server_access_groups WHERE server_id = ?',
      ['github'],
    );
    expect(left.organization_id).toBe('org_mig_b');
    // An access-group row needs its server in its own organization.
    await expect(
      dataSource.query(
        'INSERT INTO mcp_server_access_groups (server_id, organization_id, access_group)' +
          " VALUES ('jira', 'org_mig_b', 'x')",
      ),
    ).rejects.toThrow();
  });

  it('refuses to revert while an id is shared by organizations, and reverts once it is not', async () => {
    await insertServer('org_mig_a', 'github', 'GitHubA');
    await downToIt();
    await expect(dataSource.undoLastMigration()).rejects.toThrow(/several organizations/);
    await dataSource.query('DELETE FROM mcp_servers WHERE server_id = ? AND organization_id = ?', [
      'github',
      'org_mig_b',
    ]);
    await dataSource.undoLastMigration();
    expect(await count('mcp_servers')).toBe(3);
    expect(
      await dataSource.query(
        'SELECT server_id, organization_id, access_group FROM mcp_server_access_groups' +
          ' ORDER BY server_id',
      ),
    ).toEqual([
      { server_id: 'github', organization_id: 'org_mig_a', access_group: 'ops-GitHubA' },
      { server_id: 'jira', organization_id: 'org_mig_a', access_group: 'ops-JiraA' },
      { server_id: 'linear', organization_id: 'org_mig_b', access_group: 'ops-LinearB' },
    ]);
    expect(await runMigrations(dataSource)).toEqual(names.slice(index));
  });
});
