import { DataSource } from 'typeorm';
import { OneOrganization, ownOrganization, parseDatabaseUrl } from '@app/core';
import {
  AppDataSource,
  buildDataSourceOptions,
  ensureMysqlDatabase,
  ENTITIES,
  OrganizationRepository,
  runMigrations,
  UnitOfWork,
} from '@app/dal';
import { createSuiteDatabase, SuiteDatabase } from './test-database';
import { unique } from './factories';

/**
 * A migrated database of the suite's kind (SQLite, or MySQL with DATABASE_URL) opened the way the
 * app opens it (AppDataSource: bounded queries, SQLite turns), for repository-level specs in
 * libs/dal that need no app around them.
 */
export interface DalDatabase {
  dataSource: DataSource;
  unitOfWork: UnitOfWork;
  /** A new organization and the scope a key of it would get. */
  organization(): Promise<OneOrganization>;
  close(): Promise<void>;
}

// Specs that open one run in the unit project, whose 5 s default a fresh MySQL database's
// migrations alone approach (and pass on a busy machine): its hooks and tests get a minute.
jest.setTimeout(60_000);

export async function openDalDatabase(): Promise<DalDatabase> {
  const database: SuiteDatabase = await createSuiteDatabase();
  const config = parseDatabaseUrl(database.url, true, 4);
  await ensureMysqlDatabase(config);
  const dataSource = await new AppDataSource(
    buildDataSourceOptions(config, { entities: ENTITIES, sqliteBusyTimeoutMs: 0 }),
    config,
  ).initialize();
  await runMigrations(dataSource);
  const unitOfWork = new UnitOfWork(dataSource);
  const organizations = new OrganizationRepository(dataSource);
  return {
    dataSource,
    unitOfWork,
    organization: async () => {
      const id = `org_${unique()}`;
      await unitOfWork.run((tx) =>
        organizations.insert(
          {
            id,
            name: `Org ${id}`,
            createdAt: new Date(),
            registryNamespace: null,
            publicCatalog: false,
          },
          tx,
        ),
      );
      return ownOrganization({ role: 'org_admin', organizationId: id });
    },
    close: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
