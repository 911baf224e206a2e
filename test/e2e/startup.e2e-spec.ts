import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startHangingServer } from '../support/mcp-servers';
import { waitFor } from '../support/wait';

const root = path.resolve(__dirname, '../..');
const mainJs = path.join(root, 'dist/apps/api/src/main.js');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every child started by a test: killed after each test, so a failed one never outlives it. */
const children = new Set<ChildProcess>();

function run(
  script: string,
  env: Record<string, string>,
): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
  let stdout = '';
  let stderr = '';
  const child = spawn(process.execPath, [script], {
    cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-registry-start-')),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => stdout, err: () => stderr, exit };
}

async function isReady(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/health/ready`).then(
    (r) => r.status === 200,
    () => false,
  );
}

/** Opens (and at once closes) a new TCP connection: whether anything still listens on `port`. */
function dial(port: number): Promise<'accepted' | 'refused'> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'accepted');
    });
  });
}

describe('process start-up and shutdown (built app)', () => {
  beforeAll(() => {
    if (!fs.existsSync(mainJs))
      throw new Error('dist/ is missing: npm test builds it first (pretest)');
  });
  afterEach(() => {
    // A test that failed before its own SIGTERM would otherwise leave the app running, and its
    // open pipes would keep jest from ever exiting.
    for (const child of children) child.kill('SIGKILL');
  });

  it('stops with exit code 1 and one line naming the variable on an invalid value', async () => {
    const proc = run(mainJs, { PORT: 'not-a-port', DATABASE_URL: 'sqlite::memory:' });
    expect(await proc.exit).toBe(1);
    const lines = proc.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PORT');
    expect(proc.out()).toBe('');
  });

  it('does not echo the invalid value of a variable', async () => {
    const proc = run(mainJs, { DATABASE_URL: 'postgres://user:hunter2secret@db/x' });
    expect(await proc.exit).toBe(1);
    expect(proc.err()).toContain('DATABASE_URL');
    expect(proc.err()).not.toContain('hunter2secret');
  });

  it('serves /health/ready within 10 s on a fresh SQLite file and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-registry-data-'));
    const started = Date.now();
    const proc = run(mainJs, {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${dir}/db/registry.sqlite`,
    });
    await waitFor(() => isReady(port), 10_000 - (Date.now() - started), {
      pollMs: 100,
      what: '/health/ready answering 200',
    });
    expect(fs.existsSync(`${dir}/db/registry.sqlite`)).toBe(true);
    proc.child.kill('SIGTERM');
    expect(await proc.exit).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finishes an in-flight request on SIGTERM, refuses new ones, then exits 0', async () => {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-registry-data-'));
    const adminKey = 'ak_shutdown_test_0123456789abcdef';
    const hanging = await startHangingServer();
    const proc = run(mainJs, {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${dir}/registry.sqlite`,
      BOOTSTRAP_ADMIN_KEY: adminKey,
      MCP_ALLOW_LOOPBACK: 'true',
      HEALTH_WORKER_ENABLED: 'false',
      HEALTH_CHECK_TIMEOUT_MS: '1500',
    });
    const base = `http://127.0.0.1:${port}`;
    const call = (method: string, url: string, body?: unknown) =>
      fetch(base + url, {
        method,
        headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    try {
      await waitFor(() => isReady(port), 10_000, { pollMs: 100, what: 'the app ready' });
      expect(
        (
          await call('POST', '/v1/organizations', {
            name: 'Shutdown',
            organization_id: 'org_shutdown',
          })
        ).status,
      ).toBe(201);
      const created = await call('POST', '/v1/mcp/server', {
        organization_id: 'org_shutdown',
        server_id: 'slow',
        server_name: 'Slow',
        transport: 'streamable_http',
        url: hanging.url,
      });
      expect(created.status).toBe(201);

      // A probe of a server that never answers keeps this request in flight for ~1.5 s.
      let settled = false;
      const inFlight = call('POST', '/v1/mcp/server/slow/health', {}).finally(() => {
        settled = true;
      });
      await waitFor(() => hanging.connections > 0, 5_000, { what: 'the probe under way' });
      proc.child.kill('SIGTERM');
      // A new connection is refused (the listener is closed) while the probe still runs.
      await waitFor(async () => (await dial(port)) === 'refused', 1_000, {
        what: 'new connections refused',
      });
      expect(settled).toBe(false);

      const finished = await inFlight;
      expect(finished.status).toBe(200);
      expect(((await finished.json()) as { status: string }).status).toBe('unhealthy');
      const code = await proc.exit;
      if (code !== 0) console.log(proc.out().split('\n').slice(-15).join('\n'), proc.err());
      expect(code).toBe(0);
    } finally {
      proc.child.kill('SIGKILL');
      await hanging.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
