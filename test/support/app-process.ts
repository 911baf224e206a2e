import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HttpResult, RequestOptions } from './test-app';
import { testKeyringSpec } from './test-app';
import { sleep } from './wait';

const ROOT = path.resolve(__dirname, '../..');
/**
 * FAULT_APP_MAIN runs the suite against another build (e.g. an older commit's dist, to show a
 * fault test fails there); by default this checkout's dist, built when out of date.
 */
const MAIN = process.env.FAULT_APP_MAIN
  ? path.resolve(process.env.FAULT_APP_MAIN)
  : path.join(ROOT, 'dist/apps/api/src/main.js');
const START_TIMEOUT_MS = 60_000;

export interface TimedResult<T = any> extends HttpResult<T> {
  /** Milliseconds from sending the request to the whole body read. */
  ms: number;
}

export interface TimedRequestOptions extends RequestOptions {
  /** Client-side limit (default 30 s): a request past it fails with a TimeoutError. */
  timeoutMs?: number;
}

export interface AppProcessOptions {
  databaseUrl: string;
  /** Overrides any default (NODE_ENV=test, logs at warn, no rate limit, no health worker). */
  env?: Record<string, string | undefined>;
}

/**
 * The built API (dist/apps/api/src/main.js) as a real child process on a free loopback port:
 * what a fault spec needs when it signals, hangs or measures the app from outside.
 */
export interface AppProcess {
  url: string;
  port: number;
  adminKey: string;
  child: ChildProcess;
  /**
   * The child's output (stdout and stderr) so far, as lines. It goes to a file, not a pipe: a
   * test process too busy to drain a pipe would otherwise stall the app on its own log writes.
   */
  output(): string[];
  /** The file holding that output (removed by `stop()`, which keeps its last lines). */
  logFile: string;
  request<T = any>(
    method: string,
    path: string,
    options?: TimedRequestOptions,
  ): Promise<TimedResult<T>>;
  /** Resident set size of the child, in bytes (from /proc on Linux, `ps` elsewhere). */
  rss(): Promise<number>;
  /** Resolves with the exit code (or signal name) once the child has exited. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the child is gone. */
  stop(graceMs?: number): Promise<number | string>;
}

/** A free loopback port (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export { sleep };

let built = false;
/** Builds dist/ when it is missing or older than the sources (the `pretest` step does the same). */
export function ensureAppBuilt(): void {
  if (built || process.env.FAULT_APP_MAIN) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS script
  const { ensureBuilt } = require(path.join(ROOT, 'scripts/ensure-built.js')) as {
    ensureBuilt: () => void;
  };
  ensureBuilt();
  built = true;
}

/** One HTTP request with a client-side timeout; the answer carries its latency. */
export async function timedRequest<T = any>(
  url: string,
  method: string,
  route: string,
  options: TimedRequestOptions = {},
): Promise<TimedResult<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.key) headers['x-api-key'] = options.key;
  let body: string | Buffer | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const started = performance.now();
  const response = await fetch(url + route, {
    method,
    headers,
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let parsed: unknown = text;
  try {
    parsed = text.length ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text, ms };
}

async function processRss(pid: number): Promise<number> {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux: ask ps
  }
  const ps = spawn('ps', ['-o', 'rss=', '-p', String(pid)]);
  let out = '';
  ps.stdout.on('data', (chunk) => (out += String(chunk)));
  await new Promise((resolve) => ps.once('exit', resolve));
  return Number(out.trim()) * 1024;
}

/** Starts the built API and waits until `/health/live` answers 200. */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  ensureAppBuilt();
  const port = await freePort();
  const adminKey = `ak_${randomBytes(30).toString('base64url')}`;
  const logFile = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-registry-app-')),
    'output.log',
  );
  const logFd = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      BOOTSTRAP_ADMIN_KEY: adminKey,
      API_KEY_PEPPER: 'test-pepper-0123456789abcdef',
      CREDENTIALS_ENCRYPTION_KEYS: testKeyringSpec(),
      CREDENTIALS_ACTIVE_KEY_ID: 'k1',
      MCP_ALLOW_LOOPBACK: 'true',
      HEALTH_WORKER_ENABLED: 'false',
      RATE_LIMIT_PER_MINUTE: '0',
      ...options.env,
    },
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  let finalOutput: string[] | null = null;
  const output = () =>
    finalOutput ?? fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).slice(-2000);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the app exited before it was ready:\n${output().slice(-40).join('\n')}`);
    }
    const live = await timedRequest(url, 'GET', '/health/live', { timeoutMs: 1000 }).catch(
      () => null,
    );
    if (live?.status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `the app was not live within ${START_TIMEOUT_MS} ms:\n${output().slice(-40).join('\n')}`,
      );
    }
    await sleep(100);
  }

  const stop = async (graceMs = 15_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    }
    if (!finalOutput) {
      finalOutput = output();
      fs.rmSync(path.dirname(logFile), { recursive: true, force: true });
    }
    return exited;
  };
  return {
    url,
    port,
    adminKey,
    child,
    output,
    logFile,
    exited,
    request: (method, route, opts = {}) =>
      timedRequest(url, method, route, {
        ...opts,
        key: opts.key === undefined ? adminKey : opts.key,
      }),
    rss: () => processRss(child.pid!),
    stop,
  };
}
