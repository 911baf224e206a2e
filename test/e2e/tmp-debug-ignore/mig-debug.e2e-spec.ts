import { DataSource } from 'typeorm';
import { buildDataSourceOptions, MIGRATIONS, runMigrations, ensureMysqlDatabase } from '@app/dal';
import { parseDatabaseUrl } from '@app/core';
import { createSuiteDatabase } from '../../support/test-database';

it('debug', async () => {
  const database = await createSuiteDatabase();
  const config = parseDatabaseUrl(database.url, true, 10);
  await ensureMysqlDatabase(config);
  const ds = await new DataSource(buildDataSourceOptions(config)).initialize();
  console.log('applied', await runMigrations(ds));
  for (let i = 0; i < MIGRATIONS.length; i += 1) { const t0 = Date.now(); await ds.undoLastMigration(); console.log('undo', i, Date.now() - t0); }
  console.log('again', await runMigrations(ds));
  await ds.destroy(); await database.drop();
}, 60000);
