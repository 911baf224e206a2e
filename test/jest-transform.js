'use strict';
// Nest 12 and a few of its dependencies ship ES modules only. Jest (on Node 20) cannot require
// them natively, so ES module files are compiled to CommonJS with swc; CommonJS files in
// node_modules pass through untouched.
const fs = require('node:fs');
const path = require('node:path');
const swcJest = require('@swc/jest');

const swc = swcJest.createTransformer({
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs', ignoreDynamic: false },
  sourceMaps: 'inline',
});

const typeCache = new Map();
function packageIsModule(dir) {
  if (typeCache.has(dir)) return typeCache.get(dir);
  let result = false;
  const pkg = path.join(dir, 'package.json');
  if (fs.existsSync(pkg)) {
    try {
      result = JSON.parse(fs.readFileSync(pkg, 'utf8')).type === 'module';
    } catch {
      result = false;
    }
  } else {
    const parent = path.dirname(dir);
    result = parent !== dir && packageIsModule(parent);
  }
  typeCache.set(dir, result);
  return result;
}

function needsTransform(filename) {
  if (!filename.includes(`${path.sep}node_modules${path.sep}`)) return true;
  if (filename.endsWith('.mjs')) return true;
  if (filename.endsWith('.cjs')) return false;
  return packageIsModule(path.dirname(filename));
}

module.exports = {
  canInstrument: false,
  process(src, filename, options) {
    if (!needsTransform(filename)) return { code: src };
    return swc.process(src, filename, options);
  },
  getCacheKey(src, filename, options) {
    return `${needsTransform(filename) ? 'swc' : 'raw'}:${swc.getCacheKey(src, filename, options)}`;
  },
};
