import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import * as path from 'node:path';
import type { DataSource } from 'typeorm';
import type { AppConfig, Clock } from '@app/core';
import { createApp } from '../../apps/api/src/app.factory';
import { createSuiteDatabase, SuiteDatabase } from './test-database';

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

/** What the factories need: an app to call and its platform admin key (in-process or child). */
export type AppClient = Pick<TestApp, 'request' | 'adminKey'>;

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  url: string;
  adminKey: string;
  dataSource: DataSource;
  database: SuiteDatabase;
  /** Every log line the app wrote, as text (for "no secret in the logs" checks). */
  logs: string[];
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<HttpResult<T>>;
  close(): Promise<void>;
}

// Not exported by the package index: the reset hook nestjs-pino keeps for its own tests.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a file path, not a package export
const { __resetOutOfContextForTests } = require(
  path.join(path.dirname(require.resolve('nestjs-pino')), 'PinoLogger.js'),
) as { __resetOutOfContextForTests: () => void };

export function testKeyringSpec(): string {
  return `k1:${randomBytes(32).toString('base64')}`;
}

/**
 * Starts the real app (same factory as production) on a random loopback port, over a database
 * of its own. `env` overrides any default below; `options.clock` (a TestClock) moves the time
 * key expiry and the key cache read.
 */
export async function startTestApp(
  env: Record<string, string | undefined> = {},
  options: { database?: SuiteDatabase; clock?: Clock } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createSuiteDatabase());
  const adminKey = `ak_${randomBytes(30).toString('base64url')}`;
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  // nestjs-pino keeps one root logger per process: without a reset, a second app in the same
  // file would write into the first app's captured lines.
  __resetOutOfContextForTests();
  const { app, config } = await createApp({
    ignoreEnvFile: true,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      BOOTSTRAP_ADMIN_KEY: adminKey,
      API_KEY_PEPPER: 'test-pepper-0123456789abcdef',
      CREDENTIALS_ENCRYPTION_KEYS: testKeyringSpec(),
      CREDENTIALS_ACTIVE_KEY_ID: 'k1',
      MCP_ALLOW_LOOPBACK: 'true',
      HEALTH_WORKER_ENABLED: 'false',
      HEALTH_CHECK_TIMEOUT_MS: '3000',
      ...env,
    },
    logDestination: destination as never,
    clock: options.clock,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const url =
    typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : String(address);
  const dataSource = app.get<DataSource>(getDataSourceToken());

  const request = async <T>(method: string, path: string, opts: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const key = opts.key === undefined ? adminKey : opts.key;
    if (key) headers['x-api-key'] = key;
    let body: string | Buffer | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(url + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text.length ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };

  return {
    app,
    config,
    url,
    adminKey,
    dataSource,
    database,
    logs,
    request,
    close: async () => {
      await app.close();
      if (!options.database) await database.drop();
    },
  };
}
