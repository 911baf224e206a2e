import type { DatabaseConfig } from '@app/core';

/**
 * The two databases the app runs on. Only libs/dal branches on it (this folder); the rest of the
 * code asks the questions below instead of naming a database.
 */
export type Dialect = 'mysql' | 'sqlite';

/** The dialect of a TypeORM driver type (`options.type` of a DataSource). */
export function dialectOf(driverType: string): Dialect {
  return driverType === 'mysql' || driverType === 'mariadb' ? 'mysql' : 'sqlite';
}

/** The dialect a DataSource (or an EntityManager's or QueryRunner's connection) speaks. */
export function dialectOfConnection(connection: { options: { type: string } }): Dialect {
  return dialectOf(connection.options.type);
}

/**
 * Whether every statement of the app goes through one shared connection (SQLite: better-sqlite3
 * gives TypeORM one, and the file has one writer). There, transactions take turns, and a bare
 * statement issued while another caller's transaction is open would silently join it (and vanish
 * with its rollback), so writes that need no atomicity still run as a turn. MySQL pools
 * connections: each transaction has its own, and a bare statement stands on its own.
 */
export function sharesOneConnection(dialect: Dialect): boolean {
  return dialect === 'sqlite';
}

/**
 * The folder a single-node database keeps its file in (SQLite), where the zero-setup defaults
 * (a development encryption key, the API key pepper) may live beside it; null for a database
 * server, whose replicas share no folder.
 */
export function localDataDir(database: DatabaseConfig): string | null {
  return database.type === 'sqlite' ? database.dataDir : null;
}
