import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** One keyring and pepper per test file, so every app process of a suite shares them. */
export const SUITE_KEY_ID = 'k1';
export const SUITE_KEY = randomBytes(32).toString('base64');
const SUITE_PEPPER = `pepper-${randomBytes(16).toString('hex')}`;

const root = path.resolve(__dirname, '../..');
const mainJs = path.join(root, 'dist/apps/api/src/main.js');

export interface AppProcess {
  baseUrl: string;
  port: number;
  child: ChildProcess;
  /** Exit code (null when killed by a signal). */
  exit: Promise<number | null>;
  output(): string;
  request<T = any>(
    method: string,
    url: string,
    apiKey?: string,
    body?: unknown,
  ): Promise<{ status: number; body: T; text: string; headers: Headers }>;
  kill(): void;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The built app (dist/) as its own process, ready when /health/ready answers 200. */
export async function startAppProcess(
  env: Record<string, string>,
  port?: number,
): Promise<AppProcess> {
  if (!fs.existsSync(mainJs)) throw new Error('dist/ is missing: run npm run build first');
  const listenPort = port ?? (await freePort());
  let output = '';
  const child = spawn(process.execPath, [mainJs], {
    cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-registry-fault-')),
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(listenPort),
      CREDENTIALS_ENCRYPTION_KEYS: `${SUITE_KEY_ID}:${SUITE_KEY}`,
      API_KEY_PEPPER: SUITE_PEPPER,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-200_000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-200_000)));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${listenPort}`;
  const app: AppProcess = {
    baseUrl,
    port: listenPort,
    child,
    exit,
    output: () => output,
    async request(method, url, apiKey, body) {
      const res = await fetch(baseUrl + url, {
        method,
        headers: {
          ...(apiKey ? { 'x-api-key': apiKey } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed as any, text, headers: res.headers };
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  let exited = false;
  void exit.then(() => (exited = true));
  const started = Date.now();
  while (Date.now() - started < 30_000) {
    if (exited) throw new Error(`app exited during start-up:\n${output.slice(-3000)}`);
    const ok = await fetch(`${baseUrl}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return app;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  app.kill();
  throw new Error(`app not ready within 30 s:\n${output.slice(-3000)}`);
}

/** A single-number query against the suite's database (SQLite file or MySQL). */
export async function countRows(databaseUrl: string, sql: string): Promise<number> {
  if (databaseUrl.startsWith('sqlite:')) {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(databaseUrl.slice('sqlite:'.length), { readonly: true });
    try {
      const row = db.prepare(sql).get() as Record<string, unknown>;
      return Number(Object.values(row)[0]);
    } finally {
      db.close();
    }
  }
  const mysql = await import('mysql2/promise');
  const connection = await mysql.createConnection({ uri: databaseUrl });
  try {
    const [rows] = await connection.query(sql);
    return Number(Object.values((rows as Record<string, unknown>[])[0])[0]);
  } finally {
    await connection.end();
  }
}
