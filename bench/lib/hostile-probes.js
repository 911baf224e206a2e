'use strict';
// Concurrent probes of a hostile MCP server that answers `initialize` with hundreds of MB, and
// what they do to the app: its RSS (sampled from outside) and how long /health/live takes while
// they run. Shared by `npm run bench:hostile` and the probe-memory attack spec.

const { readFileSync } = require('node:fs');

const RSS_SAMPLE_MS = 20;

/** Resident set size of a process, in bytes (Linux /proc). */
function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)[1]) * 1024;
}

async function call(appUrl, key, method, route, body) {
  const started = performance.now();
  const response = await fetch(appUrl + route, {
    method,
    headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  return { status: response.status, body: text ? JSON.parse(text) : null, ms };
}

async function created(promise, what) {
  const res = await promise;
  if (res.status !== 201)
    throw new Error(`creating ${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Registers `count` servers at `${hostileUrl}/huge-initialize?mb=${mb}` (plus two warm-up
 * servers), probes the warm-up ones, takes the RSS baseline, then probes the big ones all at once
 * while polling /health/live back to back and sampling RSS every 20 ms. RSS growth is the peak
 * over the RSS before the warm-up (the warm-up's own growth counts too).
 */
async function measureHostileProbes({ appUrl, adminKey, pid, hostileUrl, count = 4, mb = 300 }) {
  const tag = Math.random().toString(16).slice(2, 10);
  const org = await created(
    call(appUrl, adminKey, 'POST', '/v1/organizations', { name: `Hostile ${tag}` }),
    'an organization',
  );
  const admin = await created(
    call(appUrl, adminKey, 'POST', '/v1/api-keys', {
      name: `hostile admin ${tag}`,
      role: 'org_admin',
      organization_id: org.organization_id,
      access_groups: [],
      team_ids: [],
    }),
    'an org_admin key',
  );
  const register = (name, path) =>
    created(
      call(appUrl, admin.key, 'POST', '/v1/mcp/server', {
        server_name: `${name} ${tag}`,
        transport: 'streamable_http',
        url: `${hostileUrl}${path}`,
      }),
      `server ${name}`,
    );
  // A running service has probed before: warm the code paths (a normal exchange, and a stream
  // read up to the message limit) so the figures are its steady state, not first-use compiling.
  const warmUps = [
    await register('Warm up', '/echo-auth'),
    await register('Warm up SSE', '/endless-sse'),
  ];
  const targets = [];
  for (let i = 0; i < count; i++)
    targets.push(await register(`Huge ${i}`, `/huge-initialize?mb=${mb}`));

  const rssBeforeWarmUp = rssOf(pid);
  for (const server of warmUps) {
    await call(appUrl, admin.key, 'POST', `/v1/mcp/server/${server.server_id}/health`);
  }
  for (let i = 0; i < 20; i++) await call(appUrl, adminKey, 'GET', '/health/live');
  const rssBaseline = rssOf(pid);

  let running = true;
  let rssPeak = rssBaseline;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssOf(pid));
  }, RSS_SAMPLE_MS);
  const liveMs = [];
  const started = performance.now();
  const poller = (async () => {
    while (running) {
      const live = await call(appUrl, adminKey, 'GET', '/health/live');
      if (live.status !== 200) throw new Error(`/health/live answered ${live.status}`);
      liveMs.push(live.ms);
    }
  })();

  let probes;
  try {
    probes = await Promise.all(
      targets.map((server) =>
        call(appUrl, admin.key, 'POST', `/v1/mcp/server/${server.server_id}/health`),
      ),
    );
  } finally {
    running = false;
    await poller;
    clearInterval(sampler);
  }
  const wallMs = performance.now() - started;
  rssPeak = Math.max(rssPeak, rssOf(pid));
  liveMs.sort((a, b) => a - b);
  return {
    count,
    mb,
    wallMs,
    probeMs: probes.map((probe) => probe.ms),
    results: probes.map((probe) => ({
      status: probe.body?.status,
      error: probe.body?.health_check_error,
    })),
    rssBeforeWarmUp,
    rssBaseline,
    rssPeak,
    // Counted from before the warm-up too: what probing hostile servers costs at all.
    rssGrowth: rssPeak - Math.min(rssBeforeWarmUp, rssBaseline),
    live: {
      count: liveMs.length,
      maxMs: liveMs[liveMs.length - 1] ?? NaN,
      p50Ms: liveMs[Math.floor(liveMs.length * 0.5)] ?? NaN,
      p99Ms: liveMs[Math.floor(liveMs.length * 0.99)] ?? NaN,
    },
  };
}

module.exports = { measureHostileProbes, rssOf };
