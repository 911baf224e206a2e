import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The suite's database kind comes from DATABASE_URL: unset or sqlite:… → SQLite, mysql://… → MySQL. */
export function suiteDatabaseKind(): 'sqlite' | 'mysql' {
  const url = process.env.DATABASE_URL ?? '';
  return url.startsWith('mysql://') || url.startsWith('mariadb://') ? 'mysql' : 'sqlite';
}

function mysqlServerUrl(): URL {
  const url = new URL(process.env.DATABASE_URL!.replace(/^mariadb:/, 'mysql:'));
  url.pathname = '/';
  return url;
}

/** Fails loudly when the suite is meant to run on MySQL and MySQL cannot be reached. */
export async function ensureTestDatabase(): Promise<void> {
  if (suiteDatabaseKind() !== 'mysql') return;
  const mysql = await import('mysql2/promise');
  try {
    const connection = await mysql.createConnection({
      uri: mysqlServerUrl().toString(),
      connectTimeout: 5000,
    });
    await connection.query('SELECT 1');
    await connection.end();
  } catch (error) {
    throw new Error(
      `MySQL named by DATABASE_URL is unreachable (${(error as Error).message}); the e2e suites will not run without it`,
    );
  }
}

export interface SuiteDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A database of the suite's own, empty: a temp SQLite file, or a fresh MySQL database. */
export async function createSuiteDatabase(): Promise<SuiteDatabase> {
  const suffix = randomBytes(6).toString('hex');
  if (suiteDatabaseKind() === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-registry-test-'));
    const file = path.join(dir, 'registry.sqlite');
    return {
      url: `sqlite:${file}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const base = new URL(process.env.DATABASE_URL!.replace(/^mariadb:/, 'mysql:'));
  const baseName = base.pathname.replace(/^\//, '') || 'mcp_registry_test';
  const name = `${baseName}_${suffix}`.slice(0, 64);
  base.pathname = `/${name}`;
  return {
    url: base.toString(),
    drop: async () => {
      const mysql = await import('mysql2/promise');
      const connection = await mysql.createConnection({ uri: mysqlServerUrl().toString() });
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}
