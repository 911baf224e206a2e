'use strict';
// Summarizes a V8 .cpuprofile: where the busy time went, by package and by function (self and
// inclusive). Usage: node bench/lib/profile-summary.js bench/results/app-list.cpuprofile

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');

function packageOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const file = url.replace(/^file:\/\//, '');
  const modules = file.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = file.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (file.startsWith('node:')) return 'node';
  if (file.includes('/dist/')) {
    const relative = file.slice(file.indexOf('/dist/') + '/dist/'.length);
    return `app:${relative.split('/').slice(0, 2).join('/')}`;
  }
  return path.relative(ROOT, file) || file;
}

function frameName(node) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    ? `${path.relative(ROOT, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}`
    : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

function summarizeProfile(file, top = 25) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i += 1) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let total = 0;
  let idle = 0;
  const byPackage = new Map();
  const byFunction = new Map();
  const inclusive = new Map();
  for (const [id, micros] of self) {
    const node = nodes.get(id);
    const name = node.callFrame.functionName;
    total += micros;
    if (name === '(idle)') {
      idle += micros;
      continue;
    }
    const pkg = packageOf(node.callFrame.url, name);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
    const key = frameName(node);
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros);
    // Inclusive time: every distinct frame on the stack gets the sample once.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = frameName(nodes.get(at));
      if (seen.has(frame)) continue;
      seen.add(frame);
      inclusive.set(frame, (inclusive.get(frame) ?? 0) + micros);
    }
  }
  const busy = total - idle;
  const pct = (micros) => `${((100 * micros) / busy).toFixed(1).padStart(5)}%`;
  const list = (map, count, filter = () => true) =>
    [...map]
      .filter(([name]) => filter(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, micros]) => `  ${pct(micros)}  ${name}`)
      .join('\n');
  return [
    `busy ${(busy / 1e6).toFixed(1)} s of ${(total / 1e6).toFixed(1)} s sampled (${((100 * busy) / total).toFixed(0)}% busy)`,
    'self time by package:',
    list(byPackage, 18),
    'self time by function:',
    list(byFunction, top),
    'inclusive time (frames outside node internals):',
    list(
      inclusive,
      top,
      (name) =>
        !name.startsWith('(root)') && !name.includes(' node:') && !name.startsWith('(program)'),
    ),
  ].join('\n');
}

module.exports = { summarizeProfile };

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node bench/lib/profile-summary.js <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(`${summarizeProfile(file, Number(process.argv[3] || 25))}\n`);
}
