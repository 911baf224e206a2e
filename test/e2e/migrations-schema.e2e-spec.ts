import { schemaDifferences, TABLES_WITHOUT_ENTITY } from '../support/schema-diff';
import { suiteDatabaseKind } from '../support/test-database';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The app never synchronizes: its schema is what the migrations build. The entities must still
 * describe exactly that schema, or a query written against an entity (a column length, a
 * default, the index a keyset page relies on) silently means something else in production.
 */
describe('migrations build exactly the schema the entities declare', () => {
  let t: TestApp;

  beforeAll(async () => {
    // A fresh database migrated by the app itself at start-up, as in production.
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('finds no table, column, default or index that differs', async () => {
    expect(await schemaDifferences(t.dataSource)).toEqual([]);
    const mapped = t.dataSource.entityMetadatas.map((metadata) => metadata.tableName).sort();
    expect(mapped).toEqual([
      'api_key_access_groups',
      'api_key_teams',
      'api_keys',
      'audit_events',
      'events',
      'mcp_configurations',
      'mcp_server_access_groups',
      'mcp_server_versions',
      'mcp_servers',
      'organizations',
      'team_access_groups',
      'teams',
      'tool_snapshots',
      'webhook_deliveries',
      'webhooks',
    ]);
    expect(TABLES_WITHOUT_ENTITY).toEqual([
      'event_sequences',
      'registry_revisions',
      'schema_migrations',
    ]);
  });

  it('reports a drift when there is one (a lost index, a stray column, a changed length)', async () => {
    const mysql = suiteDatabaseKind() === 'mysql';
    await t.dataSource.query(
      mysql
        ? 'DROP INDEX ix_mcp_servers_health_due ON mcp_servers'
        : 'DROP INDEX ix_mcp_servers_health_due',
    );
    await t.dataSource.query('ALTER TABLE organizations ADD COLUMN stray INT NULL');
    await t.dataSource.query(
      mysql
        ? 'ALTER TABLE teams MODIFY name VARCHAR(64) NOT NULL'
        : 'CREATE TABLE stray_table (id INTEGER PRIMARY KEY)',
    );
    const differences = await schemaDifferences(t.dataSource);
    expect(differences).toEqual(
      expect.arrayContaining([
        'mcp_servers: index ix_mcp_servers_health_due (health_check_enabled, next_check_at) 0 time(s) in the database, 1 in the entity',
        'organizations.stray: in the database, not declared by the entity',
        mysql
          ? 'teams.name: length 64, entity says 128'
          : 'stray_table: in the database, no entity maps it',
      ]),
    );
    expect(differences).toHaveLength(3);
  });
});
