import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createProxiedDatabase } from './proxied-database';
import { createSuiteDatabase, suiteDatabaseKind } from './test-database';

interface SqliteHandle {
  prepare(sql: string): { get(...parameters: unknown[]): unknown };
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the package ships no types
const Database = require('better-sqlite3') as new (
  file: string,
  options?: { readonly?: boolean },
) => SqliteHandle;

/**
 * A suite database plus the ways a fault spec can take it away from the app:
 * - MySQL: behind a TcpProxy; `hang()` pauses it (SIGSTOP or a silent partition), `kill()`
 *   resets every connection and refuses new ones, `restore()` brings it back;
 * - SQLite: `hang()` makes a second connection take and hold the write lock (another process
 *   writing, a stuck backup), `restore()` releases it; `kill` does not exist (the database is a
 *   file inside the app's own process).
 */
export interface FaultyDatabase {
  kind: 'mysql' | 'sqlite';
  /** DATABASE_URL for the app. */
  url: string;
  hang(): Promise<void>;
  kill?: () => Promise<void>;
  restore(): Promise<void>;
  /** Which of `serverIds` are rows of mcp_servers (read past the proxy, so also during a fault). */
  existingServerIds(serverIds: string[]): Promise<Set<string>>;
  drop(): Promise<void>;
}

export async function createFaultyDatabase(): Promise<FaultyDatabase> {
  return suiteDatabaseKind() === 'mysql' ? mysqlFaults() : sqliteFaults();
}

async function mysqlFaults(): Promise<FaultyDatabase> {
  const db = await createProxiedDatabase();
  return {
    kind: 'mysql',
    url: db.url,
    hang: async () => db.proxy.pause(),
    kill: () => db.proxy.reset(),
    restore: () => db.proxy.resume(),
    existingServerIds: async (serverIds) => {
      if (serverIds.length === 0) return new Set();
      const mysql = await import('mysql2/promise');
      const connection = await mysql.createConnection({ uri: db.directUrl });
      try {
        const [rows] = await connection.query(
          'SELECT server_id FROM mcp_servers WHERE server_id IN (?)',
          [serverIds],
        );
        return new Set((rows as { server_id: string }[]).map((row) => row.server_id));
      } finally {
        await connection.end();
      }
    },
    drop: () => db.drop(),
  };
}

/**
 * Another process that takes SQLite's write lock on "lock" and lets go on "release" (as a second
 * writer, a backup or a stuck maintenance job would). It runs outside the test's process, and is
 * started before any fault, so neither its start nor its wait for the lock stalls the test's clock.
 */
const LOCK_HOLDER = `
const Database = require('better-sqlite3');
let db = null;
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'lock') {
    db ??= new Database(process.argv[1]);
    db.pragma('busy_timeout = 30000');
    db.exec('BEGIN IMMEDIATE');
  } else if (db?.inTransaction) {
    db.exec('COMMIT');
  }
  process.stdout.write(line + ' done\\n');
});
`;

interface LockHolder {
  send(command: 'lock' | 'release'): Promise<void>;
  close(): Promise<void>;
}

function startLockHolder(file: string): LockHolder {
  const child = spawn(process.execPath, ['-e', LOCK_HOLDER, file], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    send: (command) =>
      new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
        child.stdin!.write(`${command}\n`);
      }),
    close: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}

async function sqliteFaults(): Promise<FaultyDatabase> {
  const db = await createSuiteDatabase();
  const file = db.url.slice('sqlite:'.length);
  const holder = startLockHolder(file);
  let locked = false;
  return {
    kind: 'sqlite',
    url: db.url,
    hang: async () => {
      await holder.send('lock');
      locked = true;
    },
    restore: async () => {
      if (locked) await holder.send('release');
      locked = false;
    },
    existingServerIds: async (serverIds) => {
      const reader = new Database(file, { readonly: true });
      try {
        const found = new Set<string>();
        const select = reader.prepare('SELECT server_id FROM mcp_servers WHERE server_id = ?');
        for (const id of serverIds) if (select.get(id)) found.add(id);
        return found;
      } finally {
        reader.close();
      }
    },
    drop: async () => {
      await holder.close();
      await db.drop();
    },
  };
}
