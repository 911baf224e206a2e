'use strict';
// `npm run bench:hostile [-- --probes 4 --mb 300 --json]`: the built app probes a hostile MCP
// server that answers `initialize` with `--mb` MB, `--probes` at once, and this prints the app's
// RSS growth over its warmed-up baseline and the slowest /health/live answer meanwhile.
// SQLite in a temporary folder unless DATABASE_URL names another database.

const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { measureHostileProbes } = require('./lib/hostile-probes');
const { startApp, ROOT } = require('./lib/processes');

const ADMIN_KEY = 'ak_bench_platform_admin_key_0123456789';

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

/** test/support/hostile-mcp-server.js as its own process, so its work is not the app's. */
function startHostileProcess() {
  const child = spawn(process.execPath, [path.join(ROOT, 'test/support/hostile-mcp-server.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`hostile server exited with ${code}`)));
    child.stdout.once('data', (line) => {
      const { port } = JSON.parse(String(line));
      resolve({ url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') });
    });
  });
}

const MiB = 1024 * 1024;
const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;

async function main() {
  require(path.join(ROOT, 'scripts/ensure-built.js')).ensureBuilt();
  const count = option('probes', 4);
  const mb = option('mb', 300);
  const dataDir = process.env.DATABASE_URL
    ? null
    : mkdtempSync(path.join(tmpdir(), 'bench-hostile-'));
  const databaseUrl = process.env.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'registry.sqlite')}`;
  const hostile = await startHostileProcess();
  let app;
  try {
    app = await startApp({
      databaseUrl,
      adminKey: ADMIN_KEY,
      // A generous deadline: the limits, not the timeout, must end these probes.
      env: { HEALTH_CHECK_TIMEOUT_MS: '60000' },
    });
    const result = await measureHostileProbes({
      appUrl: app.url,
      adminKey: ADMIN_KEY,
      pid: app.pid,
      hostileUrl: hostile.url,
      count,
      mb,
    });
    if (process.argv.includes('--json')) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const lines = [
      `${count} concurrent probes of a ${mb} MB initialize answer (database ${databaseUrl.split(':')[0]})`,
      `  outcomes          ${[...new Set(result.results.map((r) => `${r.status}: ${r.error}`))].join('; ')}`,
      `  probe time        ${result.probeMs.map((ms) => `${Math.round(ms)} ms`).join(', ')}`,
      `  RSS               ${mib(result.rssBeforeWarmUp)} before the warm-up, ${mib(result.rssBaseline)} after it, ${mib(result.rssPeak)} at peak: +${mib(result.rssGrowth)}`,
      `  /health/live      ${result.live.count} calls during the probes: max ${result.live.maxMs.toFixed(1)} ms, p99 ${result.live.p99Ms.toFixed(1)} ms, p50 ${result.live.p50Ms.toFixed(1)} ms`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await app?.stop();
    hostile.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
