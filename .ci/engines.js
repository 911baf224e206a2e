'use strict';
// Which installed packages declare an `engines.node` range that the running Node does not meet
// (what `npm ci` reports as EBADENGINE), read from package-lock.json. Usage:
//   node .ci/engines.js [--strict]
// --strict exits 1 when a production dependency (one the service runs with) is among them.
// Uses npm's own semver, so it needs nothing beyond the npm that runs CI.
const fs = require('node:fs');
const path = require('node:path');

function findNpm() {
  if (process.env.npm_execpath) return process.env.npm_execpath;
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const candidate = path.join(dir, 'npm');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error('npm not found on PATH');
}
const npmCli = fs.realpathSync(findNpm());
const semver = require(path.join(path.dirname(npmCli), '..', 'node_modules', 'semver'));

const root = path.resolve(__dirname, '..');
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const strict = process.argv.includes('--strict');
const current = process.version;

const own = lock.packages[''].engines?.node;
if (own && !semver.satisfies(current, own)) {
  console.error(`Node ${current} is outside this project's engines.node "${own}"`);
  process.exit(1);
}

let production = 0;
for (const [where, pkg] of Object.entries(lock.packages)) {
  const wanted = where && pkg.engines && pkg.engines.node;
  if (!wanted || semver.satisfies(current, wanted, { includePrerelease: true })) continue;
  if (pkg.optional && !fs.existsSync(path.join(root, where))) continue;
  const name = where.replace(/^.*node_modules\//, '');
  const kind = pkg.dev ? 'dev' : 'production';
  if (!pkg.dev) production += 1;
  process.stdout.write(
    `EBADENGINE on ${current}: ${name}@${pkg.version} wants node "${wanted}" (${kind})\n`,
  );
}
process.stdout.write(
  `engines on Node ${current}: ${production} production dependency warning(s)\n`,
);
if (strict && production > 0) process.exit(1);
