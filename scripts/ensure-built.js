'use strict';
// Builds dist/ when it is missing or older than the sources, so `npm start` works on a fresh
// clone and after a pull without a separate build step.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'dist/apps/api/src/main.js');

function newestSource(dir) {
  let newest = 0;
  for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, item.name);
    if (item.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (item.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function ensureBuilt() {
  const sources = Math.max(
    newestSource(path.join(root, 'apps')),
    newestSource(path.join(root, 'libs')),
  );
  if (fs.existsSync(entry) && fs.statSync(entry).mtimeMs >= sources) return;
  process.stderr.write('Building MCP Registry (dist/ is missing or out of date)...\n');
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', 'api'], {
    cwd: root,
    stdio: 'inherit',
  });
}

module.exports = { ensureBuilt };
if (require.main === module) ensureBuilt();
