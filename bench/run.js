'use strict';
// `npm run bench`: the built app against a raw Fastify + mysql2 baseline on one MySQL database,
// A/B alternating, then fixed-rate latency, list latency at scale, and one background round of
// the health checker over real MCP endpoints. Prints a table and writes bench/results/latest.*.
// See the Benchmark section of README.md and `npm run bench -- --help`.

const path = require('node:path');
const { isDeepStrictEqual } = require('node:util');
const { parseOptions } = require('./lib/options');
const { loadAppCode } = require('./lib/app-code');
const { connect, recreateDatabase, seedMain, Seeder } = require('./lib/database');
const { startApp, startBaseline, startMcpServers, sleep, ROOT } = require('./lib/processes');
const { runLoad, runPaced, sampleLatency, requestOnce, waitForQuiet } = require('./lib/load');
const { throughputScenarios, byIdRequest, listRequest } = require('./lib/scenarios');
const {
  summarize,
  median,
  machine,
  targetsOf,
  printReport,
  writeResults,
} = require('./lib/report');
const { summarizeProfile } = require('./lib/profile-summary');

const RESULTS_DIR = path.join(ROOT, 'bench/results');
const ADMIN_KEY = 'ak_bench_platform_admin_key_0123456789';
const MAIN_SET = { orgs: 10, serversPerOrg: 1000, configsPerOrg: 100 };

const running = new Set();

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

async function track(startPromise) {
  const child = await startPromise;
  running.add(child);
  const stop = child.stop;
  child.stop = async () => {
    running.delete(child);
    await stop();
  };
  return child;
}

async function stopAll() {
  await Promise.all([...running].map((child) => child.stop().catch(() => undefined)));
}

async function appOptions(options, extra = {}) {
  return {
    databaseUrl: options.databaseUrl,
    adminKey: ADMIN_KEY,
    profileDir: RESULTS_DIR,
    ...extra,
  };
}

/** Both servers must answer the same JSON for the same request, or the ratio means nothing. */
async function checkEquivalence(app, baseline, fixture) {
  const checks = [
    { name: 'by-id (ungrouped server)', spec: byIdRequest(fixture)(0) },
    { name: 'by-id (grouped server)', spec: byIdRequest(fixture)(fixture.tenants.length * 5) },
    { name: 'list (member)', spec: listRequest(fixture, 'member')(0) },
    { name: 'list (org_admin)', spec: listRequest(fixture, 'org_admin')(0) },
  ];
  const firstPage = await requestOnce(app.url, listRequest(fixture, 'org_admin')(0));
  const cursor = firstPage.headers['x-next-cursor'];
  if (cursor) {
    const spec = listRequest(fixture, 'org_admin')(0);
    checks.push({
      name: 'list (org_admin, second page)',
      spec: { ...spec, path: `${spec.path}&cursor=${cursor}` },
    });
  }
  const outcome = [];
  for (const check of checks) {
    const [a, b] = await Promise.all([
      requestOnce(app.url, check.spec),
      requestOnce(baseline.url, check.spec),
    ]);
    const same =
      a.status === 200 &&
      b.status === 200 &&
      isDeepStrictEqual(JSON.parse(a.body.toString()), JSON.parse(b.body.toString())) &&
      (a.headers['x-next-cursor'] ?? null) === (b.headers['x-next-cursor'] ?? null);
    outcome.push({ name: check.name, same, appStatus: a.status, baselineStatus: b.status });
    if (!same) {
      log(`WARNING: app and baseline differ on ${check.name} (${a.status} vs ${b.status})`);
      if (a.status === 200 && b.status === 200) {
        const left = JSON.parse(a.body.toString());
        const right = JSON.parse(b.body.toString());
        const first = Array.isArray(left) ? left[0] : left;
        const second = Array.isArray(right) ? right[0] : right;
        const keys = new Set([...Object.keys(first ?? {}), ...Object.keys(second ?? {})]);
        for (const key of keys) {
          if (!isDeepStrictEqual(first?.[key], second?.[key])) {
            log(
              `  ${key}: app=${JSON.stringify(first?.[key])} baseline=${JSON.stringify(second?.[key])}`,
            );
          }
        }
      } else {
        log(`  app: ${a.body.toString().slice(0, 300)}`);
        log(`  baseline: ${b.body.toString().slice(0, 300)}`);
      }
    }
  }
  return outcome;
}

function describeRun(label, run) {
  const num = (value) =>
    value === null || value === undefined
      ? '–'
      : Number.isInteger(value)
        ? value
        : value.toFixed(2);
  const extra =
    run.non2xx || run.errors || run.timeouts
      ? ` non2xx=${run.non2xx} errors=${run.errors} timeouts/late=${run.timeouts} ${JSON.stringify(run.statusCodes)}`
      : '';
  const cpu = run.cpuMsPerRequest !== null ? ` cpu=${run.cpuMsPerRequest.toFixed(3)}ms/req` : '';
  const lag =
    run.sendLagP99 !== undefined && run.sendLagP99 !== null
      ? ` send-lag-p99=${run.sendLagP99.toFixed(2)}`
      : '';
  log(
    `  ${label}: ${Math.round(run.rps)} req/s p50=${num(run.p50)} p99=${num(run.p99)}${lag}${cpu}${extra}${run.saturated ? ' (saturated)' : ''}`,
  );
}

/**
 * Warm-up, then `rounds` rounds of one run per target back to back (A B, A B, …), so each
 * round's ratio compares runs seconds apart. Before each run the machine must be quiet.
 */
async function abRuns(targets, scenario, options, extra = {}) {
  const runs = new Map(targets.map((target) => [target.label, []]));
  for (const target of targets) {
    await runLoad({
      url: target.url,
      request: scenario.request,
      connections: options.connections,
      duration: options.warmup,
      pid: target.pid,
      ...extra,
    });
  }
  for (let round = 0; round < options.rounds; round += 1) {
    for (const target of targets) {
      target.process?.assertAlive();
      const waited = await waitForQuiet(options.quietMs);
      const run = await runLoad({
        url: target.url,
        request: scenario.request,
        connections: options.connections,
        duration: options.duration,
        pid: target.pid,
        ...extra,
      });
      run.waitedForQuietMs = waited;
      target.process?.assertAlive();
      describeRun(`${scenario.name} ${target.label} round ${round + 1}`, run);
      runs.get(target.label).push(run);
    }
  }
  return runs;
}

function selectedScenarios(fixture, options) {
  return throughputScenarios(fixture).filter(
    (scenario) => !options.routes || options.routes.includes(scenario.name),
  );
}

async function throughputPhase(cachedApp, uncachedApp, baseline, fixture, options) {
  const rows = [];
  for (const scenario of selectedScenarios(fixture, options)) {
    log(`throughput: ${scenario.route}`);
    const app = scenario.uncached ? uncachedApp : cachedApp;
    const targets = [{ label: 'app', url: app.url, pid: app.pid, process: app }];
    if (scenario.baseline) {
      targets.push({ label: 'baseline', url: baseline.url, pid: baseline.pid, process: baseline });
    }
    const runs = await abRuns(targets, scenario, options);
    const appSummary = summarize(runs.get('app'));
    const baselineSummary = scenario.baseline ? summarize(runs.get('baseline')) : null;
    // Each round pairs two runs seconds apart; the median of those ratios resists a burst of
    // outside load better than a ratio of medians taken minutes apart.
    const roundRatios = baselineSummary
      ? runs.get('app').map((run, i) => Number((run.rps / runs.get('baseline')[i].rps).toFixed(3)))
      : null;
    const ratio = roundRatios ? median(roundRatios) : null;
    rows.push({
      name: scenario.name,
      route: scenario.route,
      app: appSummary,
      baseline: baselineSummary,
      ratio,
      roundRatios,
    });
  }
  return rows;
}

/**
 * Latency below saturation at `rate` req/s, two ways: autocannon's overallRate (which sends each
 * connection's share of a second back to back at the start of that second, i.e. bursts), and an
 * evenly paced open-loop run that measures from each request's scheduled time (the target).
 */
async function fixedRatePhase(app, baseline, fixture, options) {
  const rows = [];
  const scenarios = selectedScenarios(fixture, options).filter(
    (scenario) => scenario.name === 'by-id' || scenario.name === 'list',
  );
  for (const scenario of scenarios) {
    const targets = [
      { label: 'app', url: app.url, pid: app.pid, process: app },
      { label: 'baseline', url: baseline.url, pid: baseline.pid, process: baseline },
    ];
    const rounds = Math.min(options.rounds, 2);
    // Three paced rounds (one in quick runs): a tail latency is the figure a single hiccup of a
    // shared machine moves most, and the median of three sets one such round aside.
    const pacedRounds = Math.min(options.rounds, 3);
    log(`fixed rate ${options.rate}/s (autocannon overallRate): ${scenario.route}`);
    const bursts = await abRuns(
      targets,
      scenario,
      { ...options, rounds },
      { overallRate: options.rate },
    );
    log(`fixed rate ${options.rate}/s (paced): ${scenario.route}`);
    const paced = new Map(targets.map((target) => [target.label, []]));
    for (let round = 0; round < pacedRounds; round += 1) {
      for (const target of targets) {
        target.process.assertAlive();
        await waitForQuiet(options.quietMs);
        const run = await runPaced({
          url: target.url,
          request: scenario.request,
          rate: options.rate,
          duration: options.duration,
          connections: options.connections,
          pid: target.pid,
          drainMs: options.drainMs,
        });
        describeRun(`${scenario.name} ${target.label} paced round ${round + 1}`, run);
        paced.get(target.label).push(run);
      }
    }
    rows.push({
      name: scenario.name,
      route: scenario.route,
      rate: options.rate,
      app: summarize(paced.get('app')),
      baseline: summarize(paced.get('baseline')),
      autocannon: {
        app: summarize(bursts.get('app')),
        baseline: summarize(bursts.get('baseline')),
      },
    });
  }
  return rows;
}

async function scalePhase(app, baseline, connection, code, options) {
  const rows = [];
  const seeder = new Seeder(connection, code);
  const seconds = options.sampleSeconds;
  for (const size of options.scale) {
    const organizationId = `org_scale${size}`;
    const started = Date.now();
    const tenant = await seeder.tenant(organizationId, `Scale ${size}`);
    await seeder.servers(organizationId, size, { createdBy: tenant.keys.org_admin.userId });
    await connection.query('ANALYZE TABLE mcp_servers, mcp_server_access_groups');
    log(`scale: seeded ${size} servers in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const row = { servers: size };
    for (const role of ['member', 'org_admin']) {
      const spec = {
        path: '/v1/mcp/server?limit=50',
        headers: { 'x-api-key': tenant.keys[role].key },
      };
      const appSample = await sampleLatency(app.url, spec, { seconds });
      const baselineSample = await sampleLatency(baseline.url, spec, { seconds });
      log(
        `  ${size} servers, ${role}: app p50=${appSample.p50.toFixed(2)} ms, baseline p50=${baselineSample.p50.toFixed(2)} ms`,
      );
      row[role] = { app: appSample, baseline: baselineSample };
    }
    rows.push(row);
  }
  return rows;
}

async function registerProbeServers(app, key, urls) {
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < urls.length) {
      const index = next++;
      const response = await fetch(`${app.url}/v1/mcp/server`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({
          server_name: `Probe target ${index}`,
          transport: 'streamable_http',
          auth_type: 'none',
          url: urls[index],
        }),
      });
      await response.arrayBuffer();
      if (response.status !== 201) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  if (failures > 0) throw new Error(`${failures} probe servers could not be registered`);
}

/**
 * Registers N servers on one multi-path MCP process, restarts the app with the health worker on
 * (long interval, so exactly one round), and times until every server has last_health_check.
 */
async function probePhase(appRef, connection, code, options) {
  const servers = options.probeServers;
  const seeder = new Seeder(connection, code);
  const organizationId = 'org_benchprobes';
  const tenant = await seeder.tenant(organizationId, 'Bench probes');
  // Only this organization's servers are due: the round times exactly N probes.
  await connection.query(
    'UPDATE mcp_servers SET health_check_enabled = 0 WHERE organization_id <> ?',
    [organizationId],
  );
  const mcp = await track(
    startMcpServers(
      servers,
      options.profile ? { profile: 'mcp-servers', profileDir: RESULTS_DIR } : {},
    ),
  );
  try {
    await registerProbeServers(appRef.app, tenant.keys.org_admin.key, mcp.urls);
    log(`probes: registered ${servers} servers on ${mcp.baseUrl}`);
    await appRef.app.stop();
    const spawned = Date.now();
    appRef.app = await track(
      startApp(
        await appOptions(options, {
          ...(options.profile ? { profile: 'app-probes' } : {}),
          env: {
            HEALTH_WORKER_ENABLED: 'true',
            HEALTH_CHECK_INTERVAL_S: '3600',
            HEALTH_CHECK_CONCURRENCY: String(options.probeConcurrency),
            HEALTH_CHECK_TIMEOUT_MS: '10000',
          },
        }),
      ),
    );
    const ready = Date.now();
    const deadline = ready + (options.quick ? 60_000 : 120_000);
    let checked = 0;
    let startedAt = null;
    let finishedAt = null;
    while (Date.now() < deadline) {
      const [[row]] = await connection.query(
        'SELECT COUNT(*) AS checked FROM mcp_servers WHERE organization_id = ? AND last_health_check IS NOT NULL',
        [organizationId],
      );
      checked = Number(row.checked);
      if (checked > 0 && startedAt === null) startedAt = Date.now();
      if (checked >= servers) {
        finishedAt = Date.now();
        break;
      }
      await sleep(100);
    }
    const [[stats]] = await connection.query(
      "SELECT SUM(status = 'healthy') AS healthy, MIN(last_health_check) AS first, MAX(last_health_check) AS last," +
        ' MAX(latency_ms) AS max_latency FROM mcp_servers WHERE organization_id = ?',
      [organizationId],
    );
    const [errors] = await connection.query(
      'SELECT health_check_error AS error, COUNT(*) AS n FROM mcp_servers WHERE organization_id = ? AND status <> ? GROUP BY health_check_error LIMIT 5',
      [organizationId, 'healthy'],
    );
    // A checker that began before the app listened is timed from the spawn instead.
    const checkedAtReady = startedAt !== null && startedAt - ready < 150;
    const origin = checkedAtReady ? spawned : ready;
    const [[table]] = await connection.query('SELECT COUNT(*) AS n FROM mcp_servers');
    const result = {
      servers,
      /** Rows in mcp_servers during the round (the other phases' servers, not due). */
      tableServers: Number(table.n),
      concurrency: options.probeConcurrency,
      checked,
      healthy: Number(stats.healthy ?? 0),
      bootSeconds: (ready - spawned) / 1000,
      roundSeconds: finishedAt === null ? null : (finishedAt - origin) / 1000,
      spreadSeconds:
        stats.first && stats.last ? (stats.last.getTime() - stats.first.getTime()) / 1000 : null,
      maxLatencyMs: stats.max_latency === null ? null : Number(stats.max_latency),
      errors: errors.map((row) => ({ error: row.error, count: Number(row.n) })),
      note: finishedAt === null ? `only ${checked} checked within the time limit` : '',
    };
    log(`probes: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await mcp.stop();
  }
}

/** --profile: each throughput route against a fresh app under --cpu-prof, then a summary. */
async function profileRun(fixture, options) {
  const profiles = [];
  for (const scenario of selectedScenarios(fixture, options)) {
    const app = await track(
      startApp(
        await appOptions(options, {
          profile: `app-${scenario.name}`,
          env: scenario.uncached ? { REGISTRY_LIST_CACHE_MAX: '0' } : {},
        }),
      ),
    );
    await runLoad({
      url: app.url,
      request: scenario.request,
      connections: options.connections,
      duration: options.warmup,
      pid: app.pid,
    });
    const run = await runLoad({
      url: app.url,
      request: scenario.request,
      connections: options.connections,
      duration: options.duration,
      pid: app.pid,
    });
    describeRun(`${scenario.name} (profiled)`, run);
    await app.stop();
    const file = path.join(RESULTS_DIR, `app-${scenario.name}.cpuprofile`);
    profiles.push({ scenario: scenario.name, file, run });
    process.stdout.write(`\n== ${scenario.route} (${file})\n${summarizeProfile(file)}\n`);
  }
  return profiles;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const watchdog = setTimeout(
    () => {
      log('time limit reached, stopping');
      stopAll().finally(() => process.exit(1));
    },
    (options.quick ? 5 : 40) * 60_000,
  );
  watchdog.unref();

  require('../scripts/ensure-built').ensureBuilt();
  const code = loadAppCode();

  log(`database ${new URL(options.databaseUrl).pathname.slice(1)}: recreate, migrate, seed`);
  const seedStart = Date.now();
  await recreateDatabase(options.databaseUrl);
  const migrations = await code.migrate(options.databaseUrl);
  const connection = await connect(options.databaseUrl);
  let fixture;
  try {
    fixture = await seedMain(connection, code, MAIN_SET);
    await connection.query(
      'ANALYZE TABLE mcp_servers, mcp_server_access_groups, api_keys, mcp_configurations',
    );
    const seedSeconds = (Date.now() - seedStart) / 1000;
    log(
      `seeded ${MAIN_SET.orgs} organizations, ${MAIN_SET.orgs * MAIN_SET.serversPerOrg} servers, ${MAIN_SET.orgs * MAIN_SET.configsPerOrg} configurations in ${seedSeconds.toFixed(1)} s (migrations: ${migrations.length})`,
    );
    const [[version]] = await connection.query('SELECT VERSION() AS version');

    if (options.profile) {
      const files = [];
      if (options.phases.has('throughput')) {
        files.push(...(await profileRun(fixture, options)).map((profile) => profile.file));
      }
      if (options.phases.has('probes')) {
        const appRef = { app: await track(startApp(await appOptions(options))) };
        await probePhase(appRef, connection, code, options);
        await appRef.app.stop();
        for (const name of ['app-probes', 'mcp-servers']) {
          const file = path.join(RESULTS_DIR, `${name}.cpuprofile`);
          files.push(file);
          process.stdout.write(
            `\n== ${name} during the probe round (${file})\n${summarizeProfile(file)}\n`,
          );
        }
      }
      log(`profiles written: ${files.map((file) => path.relative(ROOT, file)).join(', ')}`);
      return;
    }

    const results = {
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      startedAt: startedAt.toISOString(),
      finishedAt: null,
      durationSeconds: null,
      machine: machine(`MySQL ${version.version}`),
      options: { ...options, phases: [...options.phases], databaseUrl: undefined },
      dataSet: { ...MAIN_SET, seedSeconds },
      phaseSeconds: {},
      equivalence: [],
      throughput: [],
      fixedRate: [],
      scale: [],
      probes: null,
      targets: [],
    };

    const appRef = { app: await track(startApp(await appOptions(options))) };
    // The same app with the list cache off: the like-for-like list row and the scale phase,
    // which measure the queries rather than a cached page.
    const uncachedApp = await track(
      startApp(await appOptions(options, { env: { REGISTRY_LIST_CACHE_MAX: '0' } })),
    );
    const baseline = await track(startBaseline({ databaseUrl: options.databaseUrl }));
    log(
      `app ${appRef.app.url} (pid ${appRef.app.pid}), baseline ${baseline.url} (pid ${baseline.pid})`,
    );
    results.equivalence = await checkEquivalence(appRef.app, baseline, fixture);

    const timed = async (phase, work) => {
      const started = Date.now();
      const value = await work();
      results.phaseSeconds[phase] = (Date.now() - started) / 1000;
      log(`${phase} phase: ${results.phaseSeconds[phase].toFixed(0)} s`);
      return value;
    };
    if (options.phases.has('throughput')) {
      results.throughput = await timed('throughput', () =>
        throughputPhase(appRef.app, uncachedApp, baseline, fixture, options),
      );
    }
    if (options.phases.has('fixed')) {
      results.fixedRate = await timed('fixed', () =>
        fixedRatePhase(appRef.app, baseline, fixture, options),
      );
    }
    if (options.phases.has('scale')) {
      results.scale = await timed('scale', () =>
        scalePhase(uncachedApp, baseline, connection, code, options),
      );
    }
    await baseline.stop();
    await uncachedApp.stop();
    if (options.phases.has('probes')) {
      results.probes = await timed('probes', () => probePhase(appRef, connection, code, options));
    }
    await appRef.app.stop();

    results.targets = targetsOf(results);
    results.finishedAt = new Date().toISOString();
    results.durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
    printReport(results);
    if (options.write) {
      const name = options.quick ? 'quick' : 'latest';
      writeResults(results, RESULTS_DIR, name);
      log(`wrote ${path.relative(ROOT, RESULTS_DIR)}/${name}.json and ${name}.md`);
    }
  } finally {
    await connection.end();
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  async (error) => {
    process.stderr.write(`[bench] failed: ${error.stack ?? error}\n`);
    await stopAll();
    process.exit(1);
  },
);
