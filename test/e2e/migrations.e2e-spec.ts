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
});
