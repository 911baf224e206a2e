import * as fs from 'node:fs';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '@app/core';
import { MIGRATIONS } from './migrations';

/** TCP keepalive probes start after a database socket was idle this long (then ~1 s apart). */
export const DATABASE_KEEPALIVE_INITIAL_DELAY_MS = 10_000;
/** Upper bound on opening one MySQL connection, whatever DB_QUERY_TIMEOUT_MS says. */
const MAX_CONNECT_TIMEOUT_MS = 10_000;

export interface DataSourceBuildOptions {
  entities?: DataSourceOptions['entities'];
  /**
   * SQLite busy_timeout. The app passes 0: its guarded query runners retry a locked database on
   * a timer instead, because a busy wait inside better-sqlite3 blocks the whole event loop.
   * Tools without that guard (the migration CLI) wait up to the query deadline.
   */
  sqliteBusyTimeoutMs?: number;
}

/**
 * The one switch between the two databases. MySQL runs in UTC with millisecond timestamps;
 * SQLite runs in WAL mode so readers never wait on the writer.
 */
export function buildDataSourceOptions(
  database: DatabaseConfig,
  { entities = [], sqliteBusyTimeoutMs = database.queryTimeoutMs }: DataSourceBuildOptions = {},
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
        db.pragma(`busy_timeout = ${Math.max(0, Math.floor(sqliteBusyTimeoutMs))}`);
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
    // A connection that cannot be opened within the query deadline is of no use to its request.
    connectTimeout: Math.min(database.queryTimeoutMs, MAX_CONNECT_TIMEOUT_MS),
    poolSize: database.poolSize,
    extra: {
      connectionLimit: database.poolSize,
      // Requests waiting for a connection beyond this are refused at once (503 pool_queue_full)
      // instead of piling up while the database hangs.
      waitForConnections: true,
      queueLimit: database.poolQueueLimit,
      // A silent partition (no FIN, no RST) is noticed on idle pooled sockets too.
      enableKeepAlive: true,
      keepAliveInitialDelay: DATABASE_KEEPALIVE_INITIAL_DELAY_MS,
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
