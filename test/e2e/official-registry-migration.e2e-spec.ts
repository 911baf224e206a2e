import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '@app/core';
import { buildDataSourceOptions, ensureMysqlDatabase, MIGRATIONS, runMigrations } from '@app/dal';
import { createSuiteDatabase, SuiteDatabase } from '../support/test-database';

/** Servers that exist before the official registry API get their version 1.0.0 entry. */
describe('migration: official registry rows for the servers that exist', () => {
  let database: SuiteDatabase;
  let dataSource: DataSource;
  const names = MIGRATIONS.map((m) => new m().name);
  const index = names.indexOf('OfficialRegistry1764200000000');
  const at = '2026-01-02 03:04:05.678';

  beforeAll(async () => {
    database = await createSuiteDatabase();
    const config = parseDatabaseUrl(database.url, true, 1);
    await ensureMysqlDatabase(config);
    dataSource = await new DataSource(buildDataSourceOptions(config)).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  async function insertServer(serverId: string, columns: Record<string, unknown>): Promise<void> {
    const row: Record<string, unknown> = {
      server_id: serverId,
      organization_id: 'org_premig',
      server_name: `Server ${serverId}`,
      server_name_key: serverId,
      alias: serverId,
      alias_key: serverId,
      transport: 'sse',
      spec_version: '2025-06-18',
      auth_type: 'none',
      url: 'https://mcp.example.com/sse',
      mcp_info: '{}',
      args: '[]',
      env_keys: '[]',
      allowed_tools: '[]',
      has_access_groups: 0,
      created_at: at,
      created_by: 'u',
      updated_at: at,
      updated_by: 'u',
      ...columns,
    };
    const keys = Object.keys(row);
    await dataSource.query(
      `INSERT INTO mcp_servers (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`,
      keys.map((key) => row[key]),
    );
  }

  it('writes one active, latest 1.0.0 row per server, with its groups and no secret', async () => {
    await runMigrations(dataSource);
    expect(index).toBeGreaterThan(0);
    for (let i = names.length - 1; i >= index; i -= 1) await dataSource.undoLastMigration();
    await dataSource.query('INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)', [
      'org_premig',
      'Before',
      at,
    ]);
    await insertServer('plain', {
      description: 'A plain server',
      mcp_info: JSON.stringify({ logo_url: 'https://mcp.example.com/logo.png' }),
    });
    await insertServer('grouped', {
      has_access_groups: 1,
      auth_type: 'api_key',
      credential_keys: '["type","api_key","header_name"]',
      credentials_sealed: 'sealed',
    });
    await dataSource.query(
      'INSERT INTO mcp_server_access_groups (server_id, organization_id, access_group, server_created_at) VALUES (?, ?, ?, ?)',
      ['grouped', 'org_premig', 'ops', at],
    );
    await insertServer('local', {
      transport: 'stdio',
      url: null,
      command: 'npx',
      args: '["-y","@acme/mcp@1.0.0"]',
      env_keys: '["TOKEN"]',
      env_sealed: 'sealed',
    });
    expect(await runMigrations(dataSource)).toEqual(names.slice(index));
    const rows = await dataSource.query(
      'SELECT alias_key, version, server_id, namespace, status, is_latest, description, url,' +
        ' command, args, env_keys, logo_url, access_groups, has_access_groups, credential_header' +
        ' FROM mcp_server_versions ORDER BY alias_key',
    );
    expect(
      rows.map((row: Record<string, unknown>) => ({
        ...row,
        is_latest: Number(row.is_latest),
        has_access_groups: Number(row.has_access_groups),
      })),
    ).toEqual([
      expect.objectContaining({
        alias_key: 'grouped',
        namespace: 'org-premig',
        access_groups: '|ops|',
        has_access_groups: 1,
        // Sealed with the credentials: unknown until the server is written again.
        credential_header: null,
        description: 'Server grouped',
      }),
      expect.objectContaining({
        alias_key: 'local',
        url: null,
        command: 'npx',
        args: '["-y","@acme/mcp@1.0.0"]',
        env_keys: '["TOKEN"]',
      }),
      expect.objectContaining({
        alias_key: 'plain',
        version: '1.0.0',
        server_id: 'plain',
        status: 'active',
        is_latest: 1,
        description: 'A plain server',
        url: 'https://mcp.example.com/sse',
        logo_url: 'https://mcp.example.com/logo.png',
        access_groups: '',
        has_access_groups: 0,
      }),
    ]);
    const [organization] = await dataSource.query(
      "SELECT registry_namespace, public_catalog FROM organizations WHERE id = 'org_premig'",
    );
    expect([organization.registry_namespace, Number(organization.public_catalog)]).toEqual([
      null,
      0,
    ]);
    // And back: the revert leaves the schema as it was.
    for (let i = names.length - 1; i >= index; i -= 1) await dataSource.undoLastMigration();
    const runner = dataSource.createQueryRunner();
    expect(await runner.hasTable('mcp_server_versions')).toBe(false);
    expect(await runner.hasColumn('organizations', 'registry_namespace')).toBe(false);
    await runner.release();
    await runMigrations(dataSource);
  });
});
