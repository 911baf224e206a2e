import { Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSourceOptions } from 'typeorm';
import { AppDataSource } from './app-data-source';
import { APP_CONFIG, AppConfig, parseDatabaseUrl } from '@app/core';
import { buildDataSourceOptions, ensureMysqlDatabase } from './data-source-options';
import { runMigrations } from './migrate';

/**
 * The TypeORM connection for either database. Migrations run before any provider can use the
 * DataSource (DB_MIGRATIONS_RUN, default true), under a lock on MySQL.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions(config.database),
        migrationsRun: config.database.migrationsRun,
        autoLoadEntities: true,
        retryAttempts: 0,
      }),
      dataSourceFactory: async (options?: DataSourceOptions) => {
        const { migrationsRun, ...rest } = options!;
        if (rest.type === 'mysql') {
          await ensureMysqlDatabase(parseDatabaseUrl(rest.url, false, 1));
        }
        const dataSource = await new AppDataSource({ ...rest, migrationsRun: false }).initialize();
        if (migrationsRun) {
          const applied = await runMigrations(dataSource);
          if (applied.length > 0) {
            new Logger('Database').log(`Applied migrations: ${applied.join(', ')}`);
          }
        }
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
