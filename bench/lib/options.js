'use strict';
// Command line of `npm run bench`: the full run by default, `--quick` for the CI smoke run.

const HELP = `usage: npm run bench -- [options]

  --quick               ~1 minute smoke run (short runs, one round, small scale and probe sets)
  --only=a,b            phases to run: throughput, fixed, scale, probes (default: all)
  --routes=a,b          routes of the throughput/fixed/profile runs: by-id, list,
                        list-uncached, configurations, create, ready (default: all)
  --rounds=N            A/B rounds per route (default 5; quick 1)
  --duration=S          seconds per load run (default 6; quick 2)
  --connections=N       concurrent connections (default 64)
  --rate=N              fixed-rate run, requests per second (default 1000)
  --probe-servers=N     servers for the probe round (default 1000; quick 100)
  --probe-concurrency=N HEALTH_CHECK_CONCURRENCY for the probe round (default 50)
  --scale=a,b,c         servers per organization for the scale phase (default 100,10000,100000;
                        quick 100,1000,10000)
  --profile             profile instead of measuring: each throughput route against a fresh app
                        under node --cpu-prof, and the probe round (app and MCP servers); the
                        .cpuprofile files land in bench/results/ with a summary on stdout
  --no-write            write no results file (full runs write bench/results/latest.json and
                        latest.md, --quick runs quick.json and quick.md)

  BENCH_APP_MAIN        the app entry to start (default dist/apps/api/src/main.js), e.g. a
                        patched copy of dist/ to measure a proposed change
  BENCH_DATABASE_URL    default mysql://root@127.0.0.1:3306/mcp_registry_bench (dropped and
                        recreated on every run)
`;

const PHASES = ['throughput', 'fixed', 'scale', 'probes'];

function parseList(value, map = (item) => item) {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
    .map(map);
}

function positiveInt(name, value) {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new Error(`--${name} must be a positive integer`);
  }
  return number;
}

function parseOptions(argv) {
  const flags = new Map();
  for (const arg of argv) {
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(HELP);
      process.exit(0);
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}\n\n${HELP}`);
    flags.set(match[1], match[2] ?? 'true');
  }
  const known = [
    'quick',
    'only',
    'routes',
    'rounds',
    'duration',
    'connections',
    'rate',
    'probe-servers',
    'probe-concurrency',
    'scale',
    'profile',
    'no-write',
  ];
  for (const name of flags.keys()) {
    if (!known.includes(name)) throw new Error(`unknown option --${name}\n\n${HELP}`);
  }
  const quick = flags.get('quick') === 'true';
  const get = (name, full, fast) => (flags.has(name) ? flags.get(name) : quick ? fast : full);
  const phases = flags.has('only') ? parseList(flags.get('only')) : PHASES;
  for (const phase of phases) {
    if (!PHASES.includes(phase)) throw new Error(`--only: unknown phase ${phase}`);
  }
  const routes = ['by-id', 'list', 'configurations', 'create', 'ready'];
  for (const route of flags.has('routes') ? parseList(flags.get('routes')) : []) {
    if (!routes.includes(route)) throw new Error(`--routes: unknown route ${route}`);
  }
  return {
    quick,
    phases: new Set(phases),
    routes: flags.has('routes') ? parseList(flags.get('routes')) : null,
    rounds: positiveInt('rounds', get('rounds', 5, 1)),
    duration: positiveInt('duration', get('duration', 6, 2)),
    /** Longest wait for a quiet machine before each measured run. */
    quietMs: quick ? 0 : 15_000,
    /** How long a paced run past saturation may take to drain before the rest counts as late. */
    drainMs: quick ? 1_000 : 5_000,
    /** Seconds of one-at-a-time requests per scale sample. */
    sampleSeconds: quick ? 0.5 : 4,
    warmup: quick ? 1 : 3,
    connections: positiveInt('connections', get('connections', 64, 64)),
    rate: positiveInt('rate', get('rate', 1000, 1000)),
    probeServers: positiveInt('probe-servers', get('probe-servers', 1000, 100)),
    probeConcurrency: positiveInt('probe-concurrency', get('probe-concurrency', 50, 50)),
    scale: parseList(String(get('scale', '100,10000,100000', '100,1000,10000')), (item) =>
      positiveInt('scale', item),
    ),
    profile: flags.get('profile') === 'true',
    write: flags.get('no-write') !== 'true',
    databaseUrl: process.env.BENCH_DATABASE_URL || 'mysql://root@127.0.0.1:3306/mcp_registry_bench',
  };
}

module.exports = { parseOptions };
