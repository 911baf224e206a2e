'use strict';
// Load generation: autocannon (programmatic) for throughput and fixed-rate runs, and a
// sequential keep-alive sampler with microsecond timing for the scale phase's p50s.

const fs = require('node:fs');
const http = require('node:http');
const autocannon = require('autocannon');

const CLOCK_TICKS = 100; // USER_HZ on Linux

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
    ...(overallRate ? { overallRate } : {}),
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
      cpuBefore !== null && cpuAfter !== null && total > 0 ? ((cpuAfter - cpuBefore) * 1000) / total : null,
    dbCpuMsPerRequest:
      dbBefore !== null && dbAfter !== null && total > 0 ? ((dbAfter - dbBefore) * 1000) / total : null,
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
          resolve({ status: res.statusCode, ms, headers: res.headers, body: Buffer.concat(chunks) });
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

module.exports = { runLoad, sampleLatency, requestOnce, cpuSeconds };
