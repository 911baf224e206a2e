import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSourceOptions } from 'typeorm';
import { AppDataSource } from './app-data-source';
import { APP_CONFIG, AppConfig, DatabaseLimits, parseDatabaseUrl } from '@app/core';
import { buildDataSourceOptions, ensureMysqlDatabase } from './data-source-options';
import { ENTITIES } from './entities';
import { withDatabaseDeadline } from './limits/database-deadline';
import { runMigrations } from './migrate';
import { UnitOfWork } from './unit-of-work/unit-of-work';

/** The factory's options carry the limits through to the DataSource it builds. */
type OptionsWithLimits = DataSourceOptions & { databaseLimits: DatabaseLimits };

/**
 * The TypeORM connection for either database, with every entity, and the UnitOfWork that runs
 * transactions on it (global: the repositories of every module use it). Migrations run before
 * any provider can use the DataSource (DB_MIGRATIONS_RUN, default true), under a lock on MySQL,
 * without the query deadline (a long migration must not be cut off half way).
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions(config.database, { entities: ENTITIES, sqliteBusyTimeoutMs: 0 }),
        migrationsRun: config.database.migrationsRun,
        retryAttempts: 0,
        databaseLimits: {
          queryTimeoutMs: config.database.queryTimeoutMs,
          poolQueueLimit: config.database.poolQueueLimit,
        },
      }),
      dataSourceFactory: async (options?: DataSourceOptions) => {
        const { migrationsRun, databaseLimits, ...rest } = options as OptionsWithLimits;
        if (rest.type === 'mysql') {
          await ensureMysqlDatabase(parseDatabaseUrl(rest.url, false, 1));
        }
        const dataSource = await new AppDataSource(
          { ...rest, migrationsRun: false },
          databaseLimits,
        ).initialize();
        if (migrationsRun) {
          const applied = await withDatabaseDeadline(Infinity, () => runMigrations(dataSource));
          if (applied.length > 0) {
            new Logger('Database').log(`Applied migrations: ${applied.join(', ')}`);
          }
        }
        return dataSource;
      },
    }),
  ],
  providers: [UnitOfWork],
  exports: [UnitOfWork],
})
export class DatabaseModule {}
