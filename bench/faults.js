'use strict';
// `node bench/faults.js`: the hung-database experiment of issue 12. The built app runs against
// MySQL through a proxy; after a warm-up, the proxy hangs (bytes held, sockets open, as with
// SIGSTOP or a partition) for --hang seconds while creates arrive at --rate per second whether
// or not earlier ones answered; then it resumes. Prints what callers saw (statuses, reasons,
// write_committed, latency), the app's RSS, time to ready after the resume, and checks every
// 201 is a row and no write answered write_committed:false is.
//
//   node bench/faults.js [--rate=40] [--hang=20] [--timeout-ms=5000] [--queue-limit=200]
//   BENCH_DATABASE_URL (default mysql://root@127.0.0.1:3306/mcp_registry_faults, recreated)
//   BENCH_APP_MAIN     another build's main.js (e.g. an older commit's, for a before/after)

const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const mysql = require('mysql2/promise');
const { startApp, sleep } = require('./lib/processes');
const { startPauseProxy } = require('./lib/pause-proxy');
require('../scripts/ensure-built').ensureBuilt();

const CLIENT_TIMEOUT_MS = 180_000;
const ADMIN_KEY = `ak_${randomBytes(30).toString('base64url')}`;

function option(name, fallback) {
  const arg = process.argv.find((item) => item.startsWith(`--${name}=`));
  return arg ? Number(arg.split('=')[1]) : fallback;
}

function log(message) {
  process.stderr.write(`[faults] ${message}\n`);
}

function percentile(values, p) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function rssOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)[1]) * 1024;
}

async function create(url, organizationId) {
  const serverId = `fault-${randomBytes(6).toString('hex')}`;
  const body = JSON.stringify({
    server_id: serverId,
    server_name: `Fault ${serverId.slice(6)}`,
    transport: 'streamable_http',
    url: `https://${serverId}.example.com/mcp`,
    organization_id: organizationId,
  });
  const sentAt = performance.now();
  try {
    const response = await fetch(`${url}/v1/mcp/server`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    const json = await response.json().catch(() => null);
    return { serverId, sentAt, ms: performance.now() - sentAt, status: response.status, json };
  } catch (error) {
    const code = error.cause?.code ?? error.name;
    return { serverId, sentAt, ms: performance.now() - sentAt, status: 0, error: code };
  }
}

/** `rate` creates a second for `seconds`, each on schedule whatever earlier ones are doing. */
async function paced(url, organizationId, rate, seconds, onTick) {
  const pending = [];
  const started = performance.now();
  let inFlight = 0;
  let maxInFlight = 0;
  for (let i = 0; i < rate * seconds; i += 1) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    onTick();
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    pending.push(create(url, organizationId).finally(() => (inFlight -= 1)));
  }
  return { pending, inFlight: () => inFlight, maxInFlight: () => maxInFlight };
}

async function main() {
  const rate = option('rate', 40);
  const hangS = option('hang', 20);
  const timeoutMs = option('timeout-ms', 5000);
  const queueLimit = option('queue-limit', 200);
  const databaseUrl = new URL(
    process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mcp_registry_faults',
  );
  const name = databaseUrl.pathname.slice(1);
  const serverUrl = new URL(databaseUrl);
  serverUrl.pathname = '/';
  const admin = await mysql.createConnection({ uri: serverUrl.toString() });
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);

  const proxy = await startPauseProxy(databaseUrl.hostname, Number(databaseUrl.port || 3306));
  const viaProxy = new URL(databaseUrl);
  viaProxy.host = `127.0.0.1:${proxy.port}`;
  const app = await startApp({
    databaseUrl: viaProxy.toString(),
    adminKey: ADMIN_KEY,
    env: { DB_QUERY_TIMEOUT_MS: String(timeoutMs), DB_POOL_QUEUE_LIMIT: String(queueLimit) },
  });
  let result;
  try {
    const org = await fetch(`${app.url}/v1/organizations`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Faults' }),
    }).then((r) => r.json());
    log(`warm-up: ${rate}/s for 3 s`);
    const warm = await paced(app.url, org.organization_id, rate, 3, () => undefined);
    await Promise.all(warm.pending);

    const rssBefore = rssOf(app.pid);
    let rssMax = rssBefore;
    const sampleRss = () => (rssMax = Math.max(rssMax, rssOf(app.pid)));
    const sampler = setInterval(sampleRss, 250);
    log(
      `hang: proxy paused for ${hangS} s at ${rate} creates/s (DB_QUERY_TIMEOUT_MS=${timeoutMs})`,
    );
    proxy.pause();
    const load = await paced(app.url, org.organization_id, rate, hangS, () => undefined);
    const pendingAtResume = load.inFlight();
    proxy.resume();
    const resumedAt = performance.now();
    let readyAfterMs = null;
    while (readyAfterMs === null && performance.now() - resumedAt < 60_000) {
      const ready = await fetch(`${app.url}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready === 200) readyAfterMs = Math.round(performance.now() - resumedAt);
      else await sleep(50);
    }
    const samples = await Promise.all(load.pending);
    clearInterval(sampler);
    sampleRss();
    const rssAfter = rssOf(app.pid);

    const count = (predicate) => samples.filter(predicate).length;
    const reasons = {};
    for (const s of samples.filter((item) => item.status === 503)) {
      const key = `${s.json?.error?.details?.reason}/${s.json?.error?.details?.write_committed}`;
      reasons[key] = (reasons[key] ?? 0) + 1;
    }
    const ids = (predicate) => samples.filter(predicate).map((s) => s.serverId);
    const acknowledged = ids((s) => s.status === 201);
    const refused = ids(
      (s) => s.status === 503 && s.json?.error?.details?.write_committed === false,
    );
    const [rows] = await admin.query(
      `SELECT server_id FROM \`${name}\`.mcp_servers WHERE server_id IN (?)`,
      [[...acknowledged, ...refused, '-']],
    );
    const existing = new Set(rows.map((row) => row.server_id));
    const ms = samples.map((s) => s.ms);
    result = {
      rate,
      hang_s: hangS,
      db_query_timeout_ms: timeoutMs,
      db_pool_queue_limit: queueLimit,
      sent: samples.length,
      status: {
        201: count((s) => s.status === 201),
        503: count((s) => s.status === 503),
        other: count((s) => s.status !== 201 && s.status !== 503),
      },
      errors: [...new Set(samples.filter((s) => s.status === 0).map((s) => s.error))],
      reasons_503: reasons,
      latency_ms: {
        p50: Math.round(percentile(ms, 50)),
        p99: Math.round(percentile(ms, 99)),
        max: Math.round(Math.max(...ms)),
      },
      max_in_flight: load.maxInFlight(),
      in_flight_at_resume: pendingAtResume,
      rss_mb: {
        before: Math.round(rssBefore / 1048576),
        max: Math.round(rssMax / 1048576),
        after: Math.round(rssAfter / 1048576),
      },
      ready_after_resume_ms: readyAfterMs,
      acknowledged_missing: acknowledged.filter((id) => !existing.has(id)).length,
      refused_but_written: refused.filter((id) => existing.has(id)).length,
    };
  } finally {
    await app.stop();
    await proxy.close();
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.end();
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
