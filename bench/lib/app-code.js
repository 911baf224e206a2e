'use strict';
// The pieces of the built app the seeder shares with it, so seeded rows are exactly what the app
// itself would have written: the API key hash, the sealed-column format, the unique-name keys
// and the migrations. Loaded from dist/ (scripts/ensure-built.js runs first).

const { createHash } = require('node:crypto');
const path = require('node:path');

const DIST = path.resolve(__dirname, '../../dist');

function fromDist(file) {
  return require(path.join(DIST, file));
}

/** Fixed benchmark secrets: never used outside this database, passed to the app through env. */
const BENCH_PEPPER = 'bench-pepper-0f3c9a7e5d1b2468ace0';
const BENCH_KEY_ID = 'bench1';
const BENCH_KEYRING = `${BENCH_KEY_ID}:${createHash('sha256').update('mcp-registry-bench').digest('base64')}`;

function loadAppCode() {
  // Through each library's public index (its src/index.ts), so moving a file inside a library
  // cannot break the bench; the name key is the one file the index does not export.
  const { ApiKeyHasher } = fromDist('libs/auth/src/index.js');
  const { SecretBox, parseKeyring } = fromDist('libs/crypto/src/index.js');
  const { buildDataSourceOptions, runMigrations, serverNameKeyOf, aliasKeyOf } =
    fromDist('libs/dal/src/index.js');
  const { nameKeyOf: activeNameKeyOf } = fromDist('libs/dal/src/entities/name-key.js');
  const { parseDatabaseUrl } = fromDist('libs/core/src/index.js');
  const { DataSource } = require('typeorm');
  return {
    hasher: new ApiKeyHasher(BENCH_PEPPER),
    secretBox: new SecretBox(parseKeyring(BENCH_KEYRING, BENCH_KEY_ID)),
    serverNameKeyOf,
    aliasKeyOf,
    activeNameKeyOf,
    /** Applies the app's migrations to `url`, as the app does at start (runMigrations). */
    async migrate(url) {
      const dataSource = new DataSource(buildDataSourceOptions(parseDatabaseUrl(url, false, 2)));
      await dataSource.initialize();
      try {
        return await runMigrations(dataSource);
      } finally {
        await dataSource.destroy();
      }
    },
  };
}

module.exports = { loadAppCode, BENCH_PEPPER, BENCH_KEYRING, BENCH_KEY_ID, DIST };
