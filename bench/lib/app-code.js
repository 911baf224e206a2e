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
  const { ApiKeyHasher } = fromDist('libs/auth/src/api-keys/api-key-hasher.js');
  const { SecretBox } = fromDist('libs/crypto/src/secret-box.js');
  const { parseKeyring } = fromDist('libs/crypto/src/keyring.parser.js');
  const { buildDataSourceOptions } = fromDist('libs/dal/src/data-source-options.js');
  const { runMigrations } = fromDist('libs/dal/src/migrate.js');
  const { serverNameKeyOf, aliasKeyOf } = fromDist(
    'libs/dal/src/repositories/mcp-server.repository.js',
  );
  const { activeNameKeyOf } = fromDist('libs/dal/src/repositories/mcp-configuration.repository.js');
  const { parseDatabaseUrl } = fromDist('libs/core/src/config/app-config.js');
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
