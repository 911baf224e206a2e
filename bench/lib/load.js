'use strict';
// Load generation: autocannon (programmatic) for throughput and fixed-rate runs, and a
// sequential keep-alive sampler with microsecond timing for the scale phase's p50s.

const fs = require('node:fs');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const autocannon = require('autocannon');
const { Pool } = require('undici');

const CLOCK_TICKS = 100; // USER_HZ on Linux
const DRAIN_MS = 5_000;

/** CPU seconds (user + system) a process has used so far, or null off Linux. */
function cpuSeconds(pid) {
  if (!pid) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** The database server's pid when it runs on this machine (for its CPU share per request). */
function databasePid() {
  try {
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
        if (comm === 'mariadbd' || comm === 'mysqld') return Number(entry);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return null;
}

const DB_PID = databasePid();

function cpuTimes() {
  try {
    const fields = fs
      .readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return { idle: fields[3] + fields[4], total: fields.reduce((sum, value) => sum + value, 0) };
  } catch {
    return null;
  }
}

/**
 * Waits (at most `maxMs`) until the machine is mostly idle between runs, so a burst of someone
 * else's work on a shared box does not land in a measurement. Returns the milliseconds waited.
 */
async function waitForQuiet(maxMs, idleShare = 0.75) {
  const started = Date.now();
  while (Date.now() - started < maxMs) {
    const before = cpuTimes();
    if (!before) return 0;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = cpuTimes();
    const total = after.total - before.total;
    if (total <= 0 || (after.idle - before.idle) / total >= idleShare) break;
  }
  return Date.now() - started;
}

/**
 * One autocannon run. `request` is either a fixed {method, path, headers, body} or a function
 * (index) → that, called per request (rotating ids, keys, unique names).
 */
async function runLoad({ url, request, connections, duration, overallRate, pid }) {
  let counter = 0;
  const next = typeof request === 'function' ? request : () => request;
  const first = next(counter);
  const cpuBefore = cpuSeconds(pid);
  const dbBefore = cpuSeconds(DB_PID);
  const result = await autocannon({
    url,
    connections,
    duration,
    pipelining: 1,
    timeout: 10,
    // autocannon's coordinated-omission fill assumes a 1 ms interval whatever the rate (it takes
    // 1/rate in seconds as milliseconds), which invents samples; its raw latencies are kept.
    ...(overallRate ? { overallRate, ignoreCoordinatedOmission: true } : {}),
    requests: [
      {
        method: first.method ?? 'GET',
        setupRequest: (req) => {
          const spec = next(counter++);
          return {
            ...req,
            method: spec.method ?? 'GET',
            path: spec.path,
            headers: { ...req.headers, ...spec.headers },
            body: spec.body,
          };
        },
      },
    ],
  });
  const cpuAfter = cpuSeconds(pid);
  const dbAfter = cpuSeconds(DB_PID);
  const ok = result['2xx'];
  const total = ok + result.non2xx;
  const seconds = result.duration || duration;
  return {
    rps: ok / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.average,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: result.statusCodeStats,
    /** Server CPU milliseconds per answered request (app or baseline process alone). */
    cpuMsPerRequest:
      cpuBefore !== null && cpuAfter !== null && total > 0
        ? ((cpuAfter - cpuBefore) * 1000) / total
        : null,
    dbCpuMsPerRequest:
      dbBefore !== null && dbAfter !== null && total > 0
        ? ((dbAfter - dbBefore) * 1000) / total
        : null,
  };
}

/**
 * Open-loop load at a steady `rate`: requests are scheduled evenly (every 1000/rate ms, not in
 * a burst at the start of each second as autocannon's overallRate does) over up to
 * `connections` keep-alive connections, and each latency runs from the request's scheduled time
 * to its response, so a stall is counted for every request it delays (no coordinated omission).
 */
async function runPaced({ url, request, rate, duration, connections, pid, drainMs = DRAIN_MS }) {
  const pool = new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const next = typeof request === 'function' ? request : () => request;
  const latencies = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  const cpuBefore = cpuSeconds(pid);
  const dbBefore = cpuSeconds(DB_PID);
  const interval = 1000 / rate;
  const start = performance.now();
  const end = start + duration * 1000;
  const inflight = new Map();
  const sendLags = [];
  const fire = (scheduled) => {
    // How late the load generator itself sends (its own event loop or GC): part of every
    // latency measured from the scheduled time, and no fault of the server.
    sendLags.push(performance.now() - scheduled);
    const spec = next(sent);
    sent += 1;
    const done = pool
      .request({
        method: spec.method ?? 'GET',
        path: spec.path,
        headers: spec.headers,
        body: spec.body,
      })
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode >= 200 && response.statusCode < 300) ok += 1;
        else non2xx += 1;
        latencies.push(performance.now() - scheduled);
      })
      .catch(() => {
        if (inflight.has(done)) errors += 1;
      })
      .finally(() => inflight.delete(done));
    inflight.set(done, scheduled);
  };
  while (performance.now() < end) {
    const due = Math.min(
      Math.floor((performance.now() - start) / interval) + 1,
      Math.ceil((duration * 1000) / interval),
    );
    while (sent < due) fire(start + sent * interval);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  // Past saturation the queue would take minutes to drain: give it a few seconds, then count
  // what is still waiting as late, with the time it had waited so far (a lower bound).
  const drained = await Promise.race([
    Promise.all([...inflight.keys()]).then(() => true),
    new Promise((resolve) => setTimeout(() => resolve(false), drainMs)),
  ]);
  const elapsed = (performance.now() - start) / 1000;
  let late = 0;
  if (!drained) {
    const now = performance.now();
    for (const scheduled of inflight.values()) {
      latencies.push(now - scheduled);
      late += 1;
    }
    inflight.clear();
  }
  await (drained ? pool.close() : pool.destroy());
  const cpuAfter = cpuSeconds(pid);
  const dbAfter = cpuSeconds(DB_PID);
  latencies.sort((a, b) => a - b);
  sendLags.sort((a, b) => a - b);
  const total = ok + non2xx;
  return {
    rps: ok / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    sendLagP99: percentile(sendLags, 99),
    max: latencies[latencies.length - 1] ?? null,
    mean: latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length),
    ok,
    non2xx,
    errors,
    timeouts: late,
    late,
    /** The server could not keep up: requests left waiting, or under 95% of the rate answered. */
    saturated: late > 0 || ok / elapsed < 0.95 * rate,
    statusCodes: {},
    cpuMsPerRequest:
      cpuBefore !== null && cpuAfter !== null && total > 0
        ? ((cpuAfter - cpuBefore) * 1000) / total
        : null,
    dbCpuMsPerRequest:
      dbBefore !== null && dbAfter !== null && total > 0
        ? ((dbAfter - dbBefore) * 1000) / total
        : null,
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function requestOnce(url, spec) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      new URL(spec.path, url),
      { method: spec.method ?? 'GET', headers: spec.headers, agent },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          resolve({
            status: res.statusCode,
            ms,
            headers: res.headers,
            body: Buffer.concat(chunks),
          });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(spec.body);
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/** Sequential requests (one at a time) for `seconds`: unloaded latency with µs resolution. */
async function sampleLatency(url, spec, { seconds, warmup = 20 }) {
  for (let i = 0; i < warmup; i += 1) await requestOnce(url, spec);
  const samples = [];
  const deadline = Date.now() + seconds * 1000;
  let failures = 0;
  while (Date.now() < deadline) {
    const response = await requestOnce(url, spec);
    if (response.status !== 200) failures += 1;
    samples.push(response.ms);
  }
  samples.sort((a, b) => a - b);
  return {
    requests: samples.length,
    failures,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
  };
}

module.exports = { runLoad, runPaced, sampleLatency, requestOnce, cpuSeconds, waitForQuiet };
