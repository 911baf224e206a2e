import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { ensureAppBuilt, sleep } from './app-process';

const ROOT = path.resolve(__dirname, '../..');
const WORKER_MAIN = path.join(ROOT, 'dist/apps/health-worker/src/main.js');
const START_TIMEOUT_MS = 60_000;

/** The built health worker (dist/apps/health-worker/src/main.js) as a real child process. */
export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** The child's output lines (last 500). */
  output: string[];
  /** Resolves with the exit code (or signal name) once the child has exited. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the child is gone. */
  stop(graceMs?: number): Promise<number | string>;
}

/** Starts a worker and waits for its "Health worker started" line. */
export async function startWorkerProcess(options: {
  databaseUrl: string;
  env?: Record<string, string | undefined>;
}): Promise<WorkerProcess> {
  ensureAppBuilt();
  const child = spawn(process.execPath, [WORKER_MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: options.databaseUrl,
      DB_MIGRATIONS_RUN: 'false',
      MCP_ALLOW_LOOPBACK: 'true',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const take = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      output.push(line);
      if (output.length > 500) output.shift();
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!output.some((line) => line.includes('Health worker started'))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the worker exited before it started:\n${output.slice(-40).join('\n')}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the worker did not start within ${START_TIMEOUT_MS} ms`);
    }
    await sleep(50);
  }
  return {
    child,
    pid: child.pid!,
    output,
    exited,
    stop: async (graceMs = 15_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}
