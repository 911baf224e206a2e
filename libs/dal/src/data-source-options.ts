import * as fs from 'node:fs';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '@app/core';
import { MIGRATIONS } from './migrations';

/**
 * The one switch between the two databases. MySQL runs in UTC with millisecond timestamps;
 * SQLite runs in WAL mode so readers never wait on the writer.
 */
export function buildDataSourceOptions(
  database: DatabaseConfig,
  entities: DataSourceOptions['entities'] = [],
): DataSourceOptions {
  const common = {
    entities,
    migrations: MIGRATIONS,
    migrationsRun: false,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: false,
  } as const;
  if (database.type === 'sqlite') {
    if (database.path !== ':memory:') fs.mkdirSync(database.dataDir, { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: database.path,
      enableWAL: true,
      prepareDatabase: (db: { pragma: (sql: string) => unknown }) => {
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
        db.pragma('synchronous = NORMAL');
      },
    };
  }
  return {
    ...common,
    type: 'mysql',
    url: database.url,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    connectTimeout: 3000,
    poolSize: database.poolSize,
    extra: {
      connectionLimit: database.poolSize,
      enableKeepAlive: true,
      maxIdle: database.poolSize,
      idleTimeout: 60_000,
      // mysql2 captures a stack trace for every query by default; errors are classified and
      // logged by our own code, so that per-query cost buys nothing.
      trace: false,
    },
  };
}

/** MySQL: create the database named in the URL when it does not exist yet. */
export async function ensureMysqlDatabase(database: DatabaseConfig): Promise<void> {
  if (database.type !== 'mysql') return;
  const mysql = await import('mysql2/promise');
  const url = new URL(database.url);
  url.pathname = '/';
  const connection = await mysql.createConnection({ uri: url.toString(), connectTimeout: 5000 });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${database.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }
}
