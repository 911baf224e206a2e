import * as path from 'node:path';
import { ConfigValidationError } from './config-schema';

/** Bounds on database work, so a hung or saturated database answers 503 instead of waiting. */
export interface DatabaseLimits {
  /** Deadline of one query, or of one transaction from its start to its COMMIT (ms). */
  queryTimeoutMs: number;
  /** Requests allowed to wait for a pool connection (MySQL) or the write turn (SQLite). */
  poolQueueLimit: number;
}

export const DEFAULT_DATABASE_LIMITS: DatabaseLimits = {
  queryTimeoutMs: 5_000,
  poolQueueLimit: 200,
};

export type DatabaseConfig = DatabaseLimits &
  (
    | { type: 'sqlite'; path: string; dataDir: string; migrationsRun: boolean; poolSize: number }
    | { type: 'mysql'; url: string; database: string; migrationsRun: boolean; poolSize: number }
  );

export const DEFAULT_SQLITE_PATH = './data/mcp-registry.sqlite';

/** `DATABASE_URL` (sqlite:<path>, mysql:// or mariadb://) plus the pool settings. */
export function parseDatabaseUrl(
  value: string | undefined,
  migrationsRun: boolean,
  poolSize: number,
  limits: DatabaseLimits = DEFAULT_DATABASE_LIMITS,
): DatabaseConfig {
  const url = value ?? `sqlite:${DEFAULT_SQLITE_PATH}`;
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file.length === 0) throw new ConfigValidationError('DATABASE_URL', 'names no SQLite file');
    const resolved = file === ':memory:' ? file : path.resolve(file);
    return {
      type: 'sqlite',
      path: resolved,
      dataDir: file === ':memory:' ? path.resolve('data') : path.dirname(resolved),
      migrationsRun,
      poolSize,
      ...limits,
    };
  }
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigValidationError('DATABASE_URL', 'is not a valid mysql:// URL');
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!/^[A-Za-z0-9_$-]{1,64}$/.test(database)) {
      throw new ConfigValidationError(
        'DATABASE_URL',
        'must name a database (mysql://user:pass@host:port/db)',
      );
    }
    return {
      type: 'mysql',
      url: url.replace(/^mariadb:/, 'mysql:'),
      database,
      migrationsRun,
      poolSize,
      ...limits,
    };
  }
  throw new ConfigValidationError('DATABASE_URL', 'must start with mysql:// or sqlite:');
}
