import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createServer, orgWithKey } from '../support/factories';
import {
  HangingServer,
  RunningMcpServer,
  startHangingServer,
  startMcpServer,
} from '../support/mcp-servers';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

jest.setTimeout(30_000);

const root = path.resolve(__dirname, '../..');
const workerJs = path.join(root, 'dist/apps/health-worker/src/main.js');
const TIMEOUT_MS = 1000;

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function runWorker(env: Record<string, string>): WorkerProcess {
  let output = '';
  const child = spawn(process.execPath, [workerJs], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

describe('the health worker app (npm run start:worker, built)', () => {
  let t: TestApp;
  let healthy: RunningMcpServer;
  let hanging: HangingServer;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    if (!fs.existsSync(workerJs)) {
      throw new Error('dist/ is missing: npm test builds it first (pretest)');
    }
    t = await startTestApp({ HEALTH_CHECK_TIMEOUT_MS: String(TIMEOUT_MS) });
    healthy = await startMcpServer({ transport: 'streamable_http' });
    hanging = await startHangingServer();
  });
  afterAll(async () => {
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await t.close();
    await healthy.close();
    await hanging.close();
  });

  it('checks servers on its own and, on SIGTERM, lets the running probe finish and record before exiting 0', async () => {
    const { key: admin } = await orgWithKey(t);
    const ids: Record<string, string> = {};
    for (const [name, url] of [
      ['healthy', healthy.url],
      ['hanging', hanging.url],
    ]) {
      ids[name] = (await createServer(t, admin, { transport: 'streamable_http', url })).server_id;
    }
    const statusOf = async (id: string) =>
      (await t.request('GET', `/v1/mcp/server/${id}`, { key: admin })).body;

    worker = runWorker({
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: t.database.url,
      DB_MIGRATIONS_RUN: 'false',
      CREDENTIALS_ENCRYPTION_KEYS: t.config.crypto.encryptionKeys ?? '',
      CREDENTIALS_ACTIVE_KEY_ID: t.config.crypto.activeKeyId ?? '',
      MCP_ALLOW_LOOPBACK: 'true',
      HEALTH_CHECK_INTERVAL_S: '60',
      HEALTH_CHECK_TIMEOUT_MS: String(TIMEOUT_MS),
    });
    await waitFor(async () => (await statusOf(ids.healthy)).status === 'healthy', 10_000);
    await waitFor(() => hanging.connections > 0, 5_000);
    expect((await statusOf(ids.hanging)).status).toBe('unknown');

    const stopped = Date.now();
    worker.child.kill('SIGTERM');
    expect(await worker.exit).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(TIMEOUT_MS + 2_000);
    expect(worker.output()).toContain('SIGTERM received, shutting down');

    expect(await statusOf(ids.hanging)).toMatchObject({
      status: 'unhealthy',
      health_check_error: `timed out after ${TIMEOUT_MS} ms`,
      consecutive_failures: 1,
    });
    const claims: { n: number }[] = await t.dataSource.query(
      'SELECT COUNT(*) AS n FROM mcp_servers WHERE claim_owner IS NOT NULL',
    );
    expect(Number(claims[0].n)).toBe(0);
    await waitFor(() => hanging.openSockets() === 0, 1_000);
  });
});
