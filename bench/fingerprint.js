'use strict';
// `npm run bench:fingerprint [-- --tools 500 --runs 200 --probes 40 --json]`: what tool
// fingerprints and drift detection cost per probe of a server listing `--tools` tools.
//
// 1. In process, the built code on the tools as a probe receives them (JSON.parse of the wire
//    answer): every tool's secret-redacted copy, its canonical JSON and SHA-256, and the set's
//    fingerprint (what each listing probe now does), plus the drift check against a baseline
//    and the review diff; `--runs` times each, after a warm-up.
// 2. The built prober (McpProber) probing a real MCP server with those tools in its own process,
//    fingerprinting every tool, and again with the listing known by its digest (nothing to redo)
//    (`bench/lib/tool-server-process.js`): the whole probe, for scale.
// 3. The built app (SQLite in a temporary folder, or DATABASE_URL): POST …/health with the tools
//    unchanged (the steady state: fingerprint compared, nothing written) and with tool 0 changed
//    before each probe (the drift path: row lock, compare-and-set, snapshot of every tool,
//    audit), and GET …/tools/drift.

const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const { tmpdir } = os;
const path = require('node:path');
const { startApp, ROOT } = require('./lib/processes');
const { toolSet } = require('./lib/tool-set');

const ADMIN_KEY = 'ak_bench_platform_admin_key_0123456789';
const DIST = path.join(ROOT, 'dist');

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { p50: at(0.5), p95: at(0.95), mean, n: sorted.length };
}

/**
 * Wall time of synchronous work, and its CPU time (user + system of this process), which a
 * machine shared with other work disturbs far less: the figure to read.
 */
function time(runs, warmup, work) {
  for (let i = 0; i < warmup; i++) work();
  const samples = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ...stats(samples), cpu: stats(cpu) };
}

async function timeAsync(runs, warmup, work) {
  for (let i = 0; i < warmup; i++) await work(i);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await work(i);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return stats(samples);
}

function inProcess(count, runs) {
  const probe = require(path.join(DIST, 'libs/mcp-probe/src/index.js'));
  const checker = require(path.join(DIST, 'libs/health-checker/src/index.js'));
  const wire = JSON.stringify({ tools: toolSet(count) });
  const drifted = JSON.parse(JSON.stringify({ tools: toolSet(count, 1) })).tools;
  // A probe's redactor holds the credentials it sent: a bearer token, in all its encodings.
  const redactor = new probe.SecretRedactor(['Bearer ghp_0123456789abcdefghijklmnopqrstuv']);
  const fingerprintAll = (tools) => {
    const definitions = tools.map((tool) =>
      probe.fingerprintedDefinition(tool.name, tool, redactor),
    );
    return { definitions, fingerprint: probe.toolSetFingerprint(definitions) };
  };
  const baseline = fingerprintAll(JSON.parse(wire).tools).definitions;
  const observed = fingerprintAll(drifted).definitions;
  const index = (definitions) =>
    definitions.map(({ name, fingerprint }) => ({ name, fingerprint }));
  const { createHash } = require('node:crypto');
  const digestOf = (tools) =>
    createHash('sha256')
      .update(`${JSON.stringify(tools)}\n`)
      .digest('hex');
  return {
    wireBytes: Buffer.byteLength(wire),
    parse: time(runs, 20, () => JSON.parse(wire)),
    fingerprint: time(runs, 20, () => fingerprintAll(JSON.parse(wire).tools)),
    digest: time(runs, 20, () => digestOf(JSON.parse(wire).tools)),
    driftCheck: time(runs, 20, () => checker.driftKinds(index(baseline), index(observed))),
    reviewDiff: time(runs, 20, () => checker.diffTools(baseline, observed)),
  };
}

function startToolServer(count) {
  const child = spawn(
    process.execPath,
    [path.join(__dirname, 'lib/tool-server-process.js'), String(count)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`tool server exited with ${code}`)));
    child.stdout.once('data', (line) => {
      resolve({ ...JSON.parse(String(line)), stop: () => child.kill('SIGKILL') });
    });
  });
}

async function request(app, method, url, body) {
  const response = await fetch(`${app.url}${url}`, {
    method,
    headers: { 'x-api-key': ADMIN_KEY, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return text.length ? JSON.parse(text) : undefined;
}

async function throughApp(server, probes) {
  const dataDir = process.env.DATABASE_URL ? null : mkdtempSync(path.join(tmpdir(), 'bench-fp-'));
  const databaseUrl = process.env.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'registry.sqlite')}`;
  const app = await startApp({
    databaseUrl,
    adminKey: ADMIN_KEY,
    env: { HEALTH_CHECK_TIMEOUT_MS: '30000' },
  });
  try {
    const org = await request(app, 'POST', '/v1/organizations', { name: `Bench ${Date.now()}` });
    const created = await request(app, 'POST', '/v1/mcp/server', {
      organization_id: org.organization_id,
      server_name: 'Five hundred tools',
      transport: 'streamable_http',
      url: server.url,
    });
    const at = `/v1/mcp/server/${created.server_id}?organization_id=${org.organization_id}`;
    const probePath = at.replace('?', '/health?');
    const first = await request(app, 'POST', probePath);
    if (first.tool_count === null || first.tools_drift?.[0] !== 'none') {
      throw new Error(`first probe: ${JSON.stringify(first).slice(0, 300)}`);
    }
    const unchanged = await timeAsync(probes, 3, () => request(app, 'POST', probePath));
    // Each probe finds other tools than the last: the drift path every time.
    const samples = [];
    for (let i = 0; i < probes + 3; i++) {
      await fetch(server.control, { method: 'POST' });
      const started = process.hrtime.bigint();
      const result = await request(app, 'POST', probePath);
      if (result.tools_drift?.[0] !== 'changed') throw new Error('no drift detected');
      if (i >= 3) samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const changed = stats(samples);
    const review = await timeAsync(Math.max(5, probes / 2), 2, () =>
      request(app, 'GET', at.replace('?', '/tools/drift?')),
    );
    return { unchanged, changed, review };
  } finally {
    await app.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  require(path.join(ROOT, 'scripts/ensure-built.js')).ensureBuilt();
  const count = option('tools', 500);
  const runs = option('runs', 200);
  const probes = option('probes', 40);
  const local = inProcess(count, runs);
  const server = await startToolServer(count);
  try {
    const { McpProber } = require(path.join(DIST, 'libs/mcp-probe/src/index.js'));
    const prober = new McpProber({
      timeoutMs: 30_000,
      allowLoopback: true,
      denyPrivateNetworks: false,
      stdioEnabled: false,
      stdioAllowlist: [],
    });
    const target = { transport: 'streamable_http', url: server.url };
    let known;
    const probe = await timeAsync(Math.max(10, probes / 2), 3, async () => {
      const result = await prober.probe(target);
      if (!result.ok || result.tool_definitions?.length !== count) throw new Error(result.error);
      known = { digest: result.tools_digest, fingerprint: result.tools_fingerprint };
    });
    const reused = await timeAsync(Math.max(10, probes / 2), 3, async () => {
      const result = await prober.probe({ ...target, knownTools: known });
      if (!result.ok || result.tool_definitions !== null) throw new Error('not reused');
    });
    const app = await throughApp(server, probes);
    report(count, local, { probe, reused }, app);
  } finally {
    server.stop();
  }
}

function report(count, local, { probe, reused }, app) {
  const ms = (value) => value.toFixed(value < 10 ? 2 : 1);
  const cpu = (s) => (s.cpu ? `${ms(s.cpu.p50)} | ${ms(s.cpu.p95)}` : '– | –');
  const row = (label, s) => `| ${label} | ${cpu(s)} | ${ms(s.p50)} | ${ms(s.p95)} | ${s.n} |`;
  if (process.argv.includes('--json')) {
    process.stdout.write(
      `${JSON.stringify({ tools: count, local, probe, reused, app }, null, 2)}\n`,
    );
    return;
  }
  const fingerprintCpu = local.fingerprint.cpu.p50 - local.parse.cpu.p50;
  const share = (fingerprintCpu / probe.p50) * 100;
  const digestCpu = local.digest.cpu.p50 - local.parse.cpu.p50;
  const load = os.loadavg()[0].toFixed(1);
  process.stdout.write(
    [
      `Tool fingerprinting, ${count} tools (${(local.wireBytes / 1024).toFixed(0)} KiB of tools/list JSON), Node ${process.version}`,
      '',
      '| what | CPU p50 ms | CPU p95 ms | wall p50 ms | wall p95 ms | runs |',
      '| --- | --- | --- | --- | --- | --- |',
      row('JSON.parse of the tools/list answer (for scale)', local.parse),
      row(
        'parse + redact + canonical JSON + SHA-256 of every tool + set fingerprint',
        local.fingerprint,
      ),
      row('parse + digest of the listing as sent (the unchanged case)', local.digest),
      row('drift kinds against a baseline (one tool changed)', local.driftCheck),
      row('review diff (JSON pointers) of that change', local.reviewDiff),
      row('whole probe, built prober: connect, list, fingerprint every tool, close', probe),
      row('whole probe, built prober: the listing known by its digest (no fingerprinting)', reused),
      row('POST …/health through the app, tools unchanged', app.unchanged),
      row('POST …/health through the app, a tool changed before each probe', app.changed),
      row('GET …/tools/drift through the app', app.review),
      '',
      `Fingerprinting every tool (CPU, without the parse the probe does anyway): ${ms(fingerprintCpu)} ms per probe, ${share.toFixed(1)}% of a whole loopback probe's wall time at p50; paid when the listing's bytes changed. An unchanged listing costs its digest: ${ms(digestCpu)} ms.`,
      `Load average when done: ${load} on ${os.cpus().length} CPUs.`,
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
