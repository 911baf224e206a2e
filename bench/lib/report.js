'use strict';
// Aggregation, targets, the printed table and bench/results/latest.{json,md}.

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');

function median(values) {
  const sorted = values
    .filter((value) => value !== null && value !== undefined)
    .sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median of each figure over the rounds of one target. */
/** " (a / b / c)": each round's p99 beside their median, when there was more than one. */
function roundsOf(summary, fmt) {
  const rounds = summary?.rounds ?? [];
  return rounds.length > 1 ? ` (${rounds.map((run) => fmt.ms(run.p99)).join(' / ')})` : '';
}

function summarize(runs) {
  if (!runs || runs.length === 0) return null;
  return {
    rps: median(runs.map((run) => run.rps)),
    p50: median(runs.map((run) => run.p50)),
    p99: median(runs.map((run) => run.p99)),
    cpuMsPerRequest: median(runs.map((run) => run.cpuMsPerRequest)),
    dbCpuMsPerRequest: median(runs.map((run) => run.dbCpuMsPerRequest)),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    saturated: runs.some((run) => run.saturated),
    errors: runs.reduce((sum, run) => sum + run.errors + run.timeouts, 0),
    rounds: runs,
  };
}

function machine(databaseVersion) {
  const cpus = os.cpus();
  let kernel = os.release();
  try {
    kernel = execFileSync('uname', ['-sr'], { encoding: 'utf8' }).trim();
  } catch {
    // keep os.release()
  }
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: kernel,
    node: process.version,
    database: databaseVersion,
  };
}

function targetsOf(results) {
  const targets = [];
  const byName = (name) => results.throughput.find((row) => row.name === name);
  const ratio = (name, minimum) => {
    const row = byName(name);
    if (!row || row.ratio === null) return;
    targets.push({
      name: `${name} throughput vs baseline`,
      target: `≥ ${minimum.toFixed(2)}`,
      value: Number(row.ratio.toFixed(2)),
      pass: row.ratio >= minimum,
    });
  };
  ratio('by-id', 0.7);
  // Like for like: the list with its cache off does the baseline's work; with the cache on (the
  // default) it is shown beside it.
  ratio(byName('list-uncached') ? 'list-uncached' : 'list', 0.6);
  for (const row of results.fixedRate) {
    if (!row.app) continue;
    targets.push({
      name: `${row.name} p99 at ${row.rate} req/s (paced)`,
      target: '< 15 ms',
      value:
        row.app.p99 === null
          ? null
          : `${Number(row.app.p99.toFixed(2))}${row.app.saturated ? ' (saturated)' : ''}`,
      pass: row.app.p99 !== null && !row.app.saturated && row.app.p99 < 15,
    });
  }
  const create = byName('create');
  if (create?.app) {
    targets.push({
      name: 'creates per second',
      target: '≥ 800',
      value: Math.round(create.app.rps),
      pass: create.app.rps >= 800,
    });
  }
  if (results.probes && results.probes.servers) {
    const seconds = results.probes.roundSeconds;
    targets.push({
      name: `${results.probes.servers} probes, one background round`,
      target: `≤ ${(results.probes.servers / 100).toFixed(0)} s`,
      value: seconds === null ? 'incomplete' : Number(seconds.toFixed(2)),
      pass: seconds !== null && seconds <= results.probes.servers / 100,
    });
  }
  if (results.scale.length >= 2) {
    const smallest = results.scale[0];
    const largest = results.scale[results.scale.length - 1];
    for (const role of ['member', 'org_admin']) {
      const small = smallest[role]?.app?.p50;
      const large = largest[role]?.app?.p50;
      if (!small || !large) continue;
      targets.push({
        name: `list p50 ${role}, ${largest.servers} vs ${smallest.servers} servers`,
        target: '≤ 1.5×',
        value: Number((large / small).toFixed(2)),
        pass: large / small <= 1.5,
      });
    }
  }
  return targets;
}

const fmt = {
  int: (value) =>
    value === null || value === undefined ? '–' : Math.round(value).toLocaleString('en-US'),
  ms: (value) =>
    value === null || value === undefined ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1),
  ratio: (value) => (value === null || value === undefined ? '–' : value.toFixed(2)),
  cpu: (value) => (value === null || value === undefined ? '–' : value.toFixed(3)),
};

function table(headers, rows) {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => String(row[i]).length)),
  );
  const line = (cells) => cells.map((cell, i) => String(cell).padEnd(widths[i])).join('  ');
  return [
    line(headers),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

function markdownTable(headers, rows) {
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function sections(results) {
  const out = [];
  const connections = results.options.connections;
  out.push({
    title: `Throughput, ${connections} connections: medians of ${results.options.rounds} A/B rounds of ${results.options.duration} s; ratio = median of the rounds' app/baseline ratios; CPU ms per request of the app or baseline process and of the database server`,
    headers: [
      'route',
      'req/s',
      'p50 ms',
      'p99 ms',
      'baseline req/s',
      'ratio',
      'CPU ms/req app',
      'baseline',
      'DB CPU ms/req app',
      'baseline',
    ],
    rows: results.throughput.map((row) => [
      row.route,
      fmt.int(row.app?.rps),
      fmt.ms(row.app?.p50),
      fmt.ms(row.app?.p99),
      fmt.int(row.baseline?.rps),
      fmt.ratio(row.ratio),
      fmt.cpu(row.app?.cpuMsPerRequest),
      fmt.cpu(row.baseline?.cpuMsPerRequest),
      fmt.cpu(row.app?.dbCpuMsPerRequest),
      fmt.cpu(row.baseline?.dbCpuMsPerRequest),
    ]),
  });
  if (results.fixedRate.length > 0) {
    out.push({
      title: `Fixed rate ${results.options.rate} req/s: evenly paced open loop (latency from the scheduled send), and autocannon overallRate (bursts at the start of each second)`,
      headers: [
        'route',
        'paced p50 ms',
        'paced p99 ms',
        'baseline p50',
        'baseline p99',
        'overallRate p50',
        'overallRate p99',
        'baseline p50',
        'baseline p99',
      ],
      rows: results.fixedRate.map((row) => [
        row.route,
        fmt.ms(row.app?.p50) + (row.app?.saturated ? ' (saturated)' : ''),
        fmt.ms(row.app?.p99) + roundsOf(row.app, fmt),
        fmt.ms(row.baseline?.p50) + (row.baseline?.saturated ? ' (saturated)' : ''),
        fmt.ms(row.baseline?.p99),
        fmt.ms(row.autocannon?.app?.p50),
        fmt.ms(row.autocannon?.app?.p99),
        fmt.ms(row.autocannon?.baseline?.p50),
        fmt.ms(row.autocannon?.baseline?.p99),
      ]),
    });
  }
  if (results.scale.length > 0) {
    out.push({
      title: 'Scale: GET /v1/mcp/server?limit=50, one request at a time (p50 ms)',
      headers: [
        'servers in org',
        'member p50',
        'member p99',
        'baseline member p50',
        'org_admin p50',
        'org_admin p99',
        'baseline org_admin p50',
      ],
      rows: results.scale.map((row) => [
        fmt.int(row.servers),
        fmt.ms(row.member?.app?.p50),
        fmt.ms(row.member?.app?.p99),
        fmt.ms(row.member?.baseline?.p50),
        fmt.ms(row.org_admin?.app?.p50),
        fmt.ms(row.org_admin?.app?.p99),
        fmt.ms(row.org_admin?.baseline?.p50),
      ]),
    });
  }
  if (results.probes) {
    const p = results.probes;
    out.push({
      title: 'Probes: one background round of the health checker',
      headers: [
        'servers',
        'rows in mcp_servers',
        'concurrency',
        'round s',
        'first→last check s',
        'healthy',
        'checked',
        'note',
      ],
      rows: [
        [
          fmt.int(p.servers),
          fmt.int(p.tableServers),
          String(p.concurrency),
          p.roundSeconds === null ? '–' : p.roundSeconds.toFixed(2),
          p.spreadSeconds === null || p.spreadSeconds === undefined
            ? '–'
            : p.spreadSeconds.toFixed(2),
          fmt.int(p.healthy),
          fmt.int(p.checked),
          p.note ?? '',
        ],
      ],
    });
  }
  out.push({
    title: 'Targets',
    headers: ['target', 'goal', 'measured', 'result'],
    rows: results.targets.map((target) => [
      target.name,
      target.target,
      String(target.value),
      target.pass ? 'PASS' : 'FAIL',
    ]),
  });
  return out;
}

function machineLine(results) {
  const m = results.machine;
  return `${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ${m.database}; load generator, app and database share the machine`;
}

function printReport(results) {
  const lines = ['', `Machine: ${machineLine(results)}`, ''];
  for (const section of sections(results)) {
    lines.push(section.title, table(section.headers, section.rows), '');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function markdownReport(results) {
  const lines = [
    `Run \`${results.command}\` on ${results.finishedAt.slice(0, 10)}, ${Math.round(results.durationSeconds)} s in all.`,
    '',
    `Machine: ${machineLine(results)}.`,
    '',
  ];
  for (const section of sections(results)) {
    lines.push(`**${section.title}**`, '', markdownTable(section.headers, section.rows), '');
  }
  return lines.join('\n');
}

/** Full runs write latest.*, the figures the README shows; --quick runs write quick.*. */
function writeResults(results, directory, name) {
  fs.mkdirSync(directory, { recursive: true });
  fs.writeFileSync(`${directory}/${name}.json`, `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(`${directory}/${name}.md`, `${markdownReport(results)}\n`);
}

module.exports = {
  summarize,
  median,
  machine,
  targetsOf,
  printReport,
  writeResults,
  markdownReport,
};
