import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const mainJs = path.join(root, 'dist/apps/api/src/main.js');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

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
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => stdout, err: () => stderr, exit };
}

describe('process start-up and shutdown (built app)', () => {
  beforeAll(() => {
    if (!fs.existsSync(mainJs))
      throw new Error('dist/ is missing: npm test builds it first (pretest)');
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
    let status = 0;
    while (Date.now() - started < 10_000 && status !== 200) {
      status = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    expect(fs.existsSync(`${dir}/db/registry.sqlite`)).toBe(true);
    proc.child.kill('SIGTERM');
    expect(await proc.exit).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
