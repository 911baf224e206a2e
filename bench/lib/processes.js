'use strict';
// Child processes of the benchmark: the built app, the raw baseline and the MCP test servers,
// each on a free loopback port, with bounded start and stop.

const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const { BENCH_KEY_ID, BENCH_KEYRING, BENCH_PEPPER, DIST } = require('./app-code');

const ROOT = path.resolve(__dirname, '../..');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitReady(url, child, output) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `process exited with ${child.exitCode} before it was ready:\n${output.text()}`,
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`not ready within ${START_TIMEOUT_MS} ms (${url}):\n${output.text()}`);
}

/** Keeps the last lines a child printed, to explain a failed start. */
function captureOutput(child, echo) {
  const lines = [];
  const take = (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
      if (echo) process.stderr.write(`    ${echo}| ${line}\n`);
    }
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return { text: () => lines.slice(-40).join('\n'), lines };
}

/** Throws, with the child's last output, when it is no longer running (a crash mid-run). */
function aliveCheck(name, child, output) {
  return () => {
    if (child.exitCode === null && child.signalCode === null) return;
    throw new Error(
      `${name} (pid ${child.pid}) exited (${child.exitCode ?? child.signalCode}); its last output:\n${output.text()}`,
    );
  };
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The built app (dist/apps/api/src/main.js) in production mode, logs at warn, no rate limit,
 * no health worker unless `env` turns it on. `profile` names a .cpuprofile to write on exit.
 */
async function startApp({ databaseUrl, adminKey, env = {}, profile, profileDir }) {
  const port = await freePort();
  const nodeArgs = profile
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${profile}.cpuprofile`]
    : [];
  const main = process.env.BENCH_APP_MAIN
    ? path.resolve(process.env.BENCH_APP_MAIN)
    : path.join(DIST, 'apps/api/src/main.js');
  const child = spawn(process.execPath, [...nodeArgs, main], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      // Migrated by the benchmark before seeding; the app's own check finds nothing to do.
      DB_MIGRATIONS_RUN: 'true',
      API_KEY_PEPPER: BENCH_PEPPER,
      CREDENTIALS_ENCRYPTION_KEYS: BENCH_KEYRING,
      CREDENTIALS_ACTIVE_KEY_ID: BENCH_KEY_ID,
      BOOTSTRAP_ADMIN_KEY: adminKey,
      RATE_LIMIT_PER_MINUTE: '0',
      HEALTH_WORKER_ENABLED: 'false',
      MCP_ALLOW_LOOPBACK: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/health/ready`, child, output);
  return {
    url,
    pid: child.pid,
    output,
    assertAlive: aliveCheck('app', child, output),
    stop: () => stopChild(child),
  };
}

/** bench/baseline/server.js: Fastify + mysql2, the same SQL and JSON, nothing else. */
async function startBaseline({ databaseUrl }) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'bench/baseline/server.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      BASELINE_DATABASE_URL: databaseUrl,
      BASELINE_PORT: String(port),
      API_KEY_PEPPER: BENCH_PEPPER,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/health/ready`, child, output);
  return {
    url,
    pid: child.pid,
    output,
    assertAlive: aliveCheck('baseline', child, output),
    stop: () => stopChild(child),
  };
}

/** One process serving `paths` streamable-HTTP MCP endpoints (test/support/mcp-servers.ts). */
async function startMcpServers(paths, { profile, profileDir } = {}) {
  const nodeArgs = profile
    ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${profile}.cpuprofile`]
    : [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, path.join(__dirname, 'mcp-server-process.js'), String(paths)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = captureOutput(child);
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`MCP servers did not start:\n${output.text()}`)),
      START_TIMEOUT_MS,
    );
    child.stdout.on('data', () => {
      const line = output.lines.find((item) => item.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      resolve(JSON.parse(line).baseUrl);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`MCP servers exited with ${code}:\n${output.text()}`));
    });
  });
  return {
    baseUrl,
    urls: Array.from({ length: paths }, (_, i) => `${baseUrl}/mcp/${i}`),
    stop: () => stopChild(child),
  };
}

module.exports = { startApp, startBaseline, startMcpServers, freePort, sleep, ROOT };
