'use strict';
// `node bench/webhook-lag.js`: webhook delivery lag under a steady change rate (issue 17). The
// built app runs against a fresh database; each of --orgs organizations has one webhook
// subscription to a receiver in this process; registry servers are created at --rate per second
// in all (evenly paced, spread over the organizations, each on schedule whatever earlier ones
// are doing) for --seconds. Lag is the receiver's arrival time minus the event's occurred_at
// (both read from this machine's clock): from the commit of the change to the signed POST
// arriving. Prints p50/p90/p99/max per --mode and checks every event arrived once, in order.
//
//   node bench/webhook-lag.js [--mode=api|worker|two-api] [--rate=100] [--seconds=30] [--orgs=3]
//   --mode=api      one API process commits and delivers (woken at once by its own commits)
//   --mode=worker   the API only commits; a separate health worker delivers (EVENTS_POLL_MS)
//   --mode=two-api  two API processes share the writes and both deliver
//   BENCH_DATABASE_URL  mysql://… (dropped and recreated) or sqlite:/path (default: a temp SQLite)
//   EVENTS_POLL_MS      passed through (default 500)

const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const mysql = require('mysql2/promise');
const { startApp, sleep, ROOT } = require('./lib/processes');
const { BENCH_KEY_ID, BENCH_KEYRING, BENCH_PEPPER } = require('./lib/app-code');
require('../scripts/ensure-built').ensureBuilt();

const ADMIN_KEY = `ak_${randomBytes(30).toString('base64url')}`;

function option(name, fallback) {
  const arg = process.argv.find((item) => item.startsWith(`--${name}=`));
  if (!arg) return fallback;
  const value = arg.split('=')[1];
  return typeof fallback === 'number' ? Number(value) : value;
}

function log(message) {
  process.stderr.write(`[webhook-lag] ${message}\n`);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function freshDatabase() {
  const configured = process.env.BENCH_DATABASE_URL;
  if (!configured || configured.startsWith('sqlite:')) {
    const file = configured
      ? configured.slice('sqlite:'.length)
      : path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'webhook-lag-')), 'registry.sqlite');
    fs.rmSync(file, { force: true });
    return { url: `sqlite:${file}`, kind: 'SQLite' };
  }
  const url = new URL(configured);
  const server = new URL(url);
  server.pathname = '/';
  const admin = await mysql.createConnection({ uri: server.toString() });
  await admin.query(`DROP DATABASE IF EXISTS \`${url.pathname.slice(1)}\``);
  await admin.end();
  return { url: url.toString(), kind: 'MySQL' };
}

/** Records arrival time per request path; answers 204 at once. */
function startReceiver() {
  const arrivals = new Map();
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const at = Date.now();
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const list = arrivals.get(request.url) ?? [];
      list.push({ at, event, id: request.headers['webhook-id'] });
      arrivals.set(request.url, list);
      response.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: server.address().port, arrivals, close: () => server.close() }),
    ),
  );
}

function startWorker(databaseUrl, env) {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/health-worker/src/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      DB_MIGRATIONS_RUN: 'false',
      API_KEY_PEPPER: BENCH_PEPPER,
      CREDENTIALS_ENCRYPTION_KEYS: BENCH_KEYRING,
      CREDENTIALS_ACTIVE_KEY_ID: BENCH_KEY_ID,
      MCP_ALLOW_LOOPBACK: 'true',
      HEALTH_CHECK_INTERVAL_S: '86400',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${text}`)), 60_000);
    const take = (chunk) => {
      text += chunk;
      if (text.includes('Health worker started')) {
        clearTimeout(timer);
        resolve({
          stop: () =>
            new Promise((done) => {
              child.once('exit', done);
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
  });
}

async function request(url, method, route, body) {
  const response = await fetch(url + route, {
    method,
    headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => null);
  if (response.status >= 300)
    throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function main() {
  const mode = option('mode', 'api');
  const rate = option('rate', 100);
  const seconds = option('seconds', 30);
  const orgCount = option('orgs', 3);
  // --subscribe=false: the same writes without subscriptions (what the writes cost alone).
  const subscribe = option('subscribe', 'true') !== 'false';
  const pollMs = process.env.EVENTS_POLL_MS ?? '500';
  const database = await freshDatabase();
  const receiver = await startReceiver();
  const env = {
    EVENTS_POLL_MS: pollMs,
    WEBHOOK_WORKER_ENABLED: mode === 'worker' ? 'false' : 'true',
  };
  // --profile: the (first) API process writes a .cpuprofile into bench/results/ on exit.
  const profile = process.argv.includes('--profile')
    ? { profile: `webhook-lag-${mode}`, profileDir: path.join(ROOT, 'bench/results') }
    : {};
  const apps = [
    await startApp({ databaseUrl: database.url, adminKey: ADMIN_KEY, env, ...profile }),
  ];
  if (mode === 'two-api') {
    apps.push(await startApp({ databaseUrl: database.url, adminKey: ADMIN_KEY, env }));
  }
  const worker =
    mode === 'worker' ? await startWorker(database.url, { EVENTS_POLL_MS: pollMs }) : null;
  const postMs = [];
  const failures = [];
  try {
    const orgs = [];
    for (let i = 0; i < orgCount; i++) {
      const org = await request(apps[0].url, 'POST', '/v1/organizations', { name: `Lag ${i}` });
      const hookPath = `/org-${i}`;
      if (!subscribe) {
        orgs.push({ id: org.organization_id, path: hookPath, sent: 0 });
        continue;
      }
      await request(apps[0].url, 'POST', '/v1/webhooks', {
        organization_id: org.organization_id,
        url: `http://127.0.0.1:${receiver.port}${hookPath}`,
      });
      orgs.push({ id: org.organization_id, path: hookPath, sent: 0 });
    }
    log(
      `${database.kind}, mode ${mode}, ${rate} changes/s for ${seconds} s over ${orgCount} organizations, EVENTS_POLL_MS=${pollMs}`,
    );
    const total = rate * seconds;
    const pending = [];
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      const org = orgs[i % orgs.length];
      const app = apps[i % apps.length];
      org.sent += 1;
      const sentAt = performance.now();
      pending.push(
        request(app.url, 'POST', '/v1/mcp/server', {
          organization_id: org.id,
          server_name: `Lag ${i}`,
          transport: 'streamable_http',
          url: `https://lag-${i}.example.com/mcp`,
          health_check_enabled: false,
        }).then(
          () => postMs.push(performance.now() - sentAt),
          (error) => failures.push(error.message),
        ),
      );
    }
    await Promise.all(pending);
    if (failures.length > 0) {
      throw new Error(`${failures.length} creates failed, e.g. ${failures[0]}`);
    }
    const deadline = Date.now() + 60_000;
    while (
      subscribe &&
      orgs.some((org) => (receiver.arrivals.get(org.path)?.length ?? 0) < org.sent)
    ) {
      if (Date.now() > deadline) throw new Error('not every event arrived within 60 s');
      await sleep(50);
    }
    const lags = [];
    for (const org of subscribe ? orgs : []) {
      const got = receiver.arrivals.get(org.path);
      const sequences = got.map((hook) => hook.event.sequence);
      const inOrder = sequences.every((sequence, index) => sequence === index + 1);
      if (!inOrder || got.length !== org.sent) {
        const at = sequences.findIndex((sequence, index) => sequence !== index + 1);
        log(
          `organization ${org.id}: ${got.length} of ${org.sent}, first off at ${at}: ${sequences.slice(Math.max(0, at - 3), at + 5).join(',')}`,
        );
      }
      if (!inOrder || got.length !== org.sent)
        throw new Error(`organization ${org.id}: out of order or duplicated`);
      for (const hook of got) lags.push(hook.at - Date.parse(hook.event.occurred_at));
    }
    lags.sort((a, b) => a - b);
    postMs.sort((a, b) => a - b);
    const result = {
      database: database.kind,
      mode,
      rate,
      seconds,
      organizations: orgCount,
      events: lags.length,
      events_poll_ms: Number(pollMs),
      lag_ms: {
        p50: percentile(lags, 50),
        p90: percentile(lags, 90),
        p99: percentile(lags, 99),
        max: lags[lags.length - 1],
      },
      create_ms: {
        p50: Math.round(percentile(postMs, 50) * 10) / 10,
        p99: Math.round(percentile(postMs, 99) * 10) / 10,
      },
      in_order_once: subscribe,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for (const app of apps) {
      const warnings = app.output.lines.filter((line) => /"level":(40|50)/.test(line));
      if (warnings.length > 0) log(`app warnings (${warnings.length}), last: ${warnings.at(-1)}`);
    }
    await worker?.stop();
    for (const app of apps) await app.stop();
    receiver.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
