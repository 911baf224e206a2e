#!/usr/bin/env bash
# The suite on Node 24 LTS, beside .ci/run's Node 20 runs (called by .ci/run; runs alone too,
# after `npm ci`, with MySQL/MariaDB up):
#   1. Node 24 from the npm registry (`node-linux-<arch>`: bin/node + include/node headers),
#      cached outside the repo in ${XDG_CACHE_HOME:-~/.cache}/mcp-registry/node24.
#   2. A throw-away copy of the checkout: sources copied, node_modules hard-linked (nothing in
#      it is written to) except better-sqlite3, which is a real copy rebuilt for Node 24's ABI
#      against those headers (the built addon is cached too, keyed by version and ABI). The
#      checkout's own node_modules keeps its Node 20 build untouched, even if this script dies.
#   3. Under Node 24: the engines check (no production dependency may warn), then the whole suite
#      on SQLite beside the e2e project on MySQL, both at once (dist/ from .ci/run's build, or
#      built here). NODE24_PREPARE_ONLY=1 stops after step 2 and the engines check: .ci/run
#      starts it early in the background so the addon build overlaps the Node 20 runs.
# Env: NODE24_VERSION (pinned below), MYSQL_HOST/MYSQL_PORT, RUN_DB (MySQL database prefix),
#      NODE24_MYSQL=0 to leave out the MySQL part (never under CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

NODE24_VERSION=${NODE24_VERSION:-24.22.3}
MYSQL_HOST=${MYSQL_HOST:-127.0.0.1}
MYSQL_PORT=${MYSQL_PORT:-3306}
RUN_DB=${RUN_DB:-mcp_registry_ci_$(date +%s)_$$}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/mcp-registry/node24
START=$SECONDS

log() { printf '\n=== node24: %s (%ds) ===\n' "$*" $((SECONDS - START)); }

case "$(uname -m)" in
  x86_64) ARCH=x64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) echo "node24: no Node 24 package for $(uname -m)" >&2; exit 1 ;;
esac
NODE_DIR="$CACHE/node-v$NODE24_VERSION-linux-$ARCH"
NPM_CLI_JS=$(readlink -f "$(command -v npm)")
NODE_GYP="$(dirname "$NPM_CLI_JS")/../node_modules/node-gyp/bin/node-gyp.js"
mkdir -p "$CACHE"

node_ok() { [ -x "$NODE_DIR/bin/node" ] && [ -f "$NODE_DIR/include/node/node_version.h" ]; }

log "Node $NODE24_VERSION ($ARCH)"
if ! node_ok; then
  fetch=$(mktemp -d "$CACHE/fetch.XXXXXX")
  (cd "$fetch" && npm pack --silent "node-linux-$ARCH@$NODE24_VERSION" >/dev/null)
  tar -xzf "$fetch"/node-linux-"$ARCH"-*.tgz -C "$fetch"
  [ -x "$fetch/package/bin/node" ] && [ -f "$fetch/package/include/node/node_version.h" ] || {
    echo "node24: node-linux-$ARCH@$NODE24_VERSION has no bin/node or include/node" >&2
    exit 1
  }
  # Another run may have put it there meanwhile: keep whichever landed first.
  mv -T "$fetch/package" "$NODE_DIR" 2>/dev/null || true
  rm -rf "$fetch"
  node_ok || { echo "node24: could not install Node into $NODE_DIR" >&2; exit 1; }
fi
"$NODE_DIR/bin/node" -e "process.exit(process.version === 'v$NODE24_VERSION' ? 0 : 1)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mcp-registry-node24.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
log "working copy in $WORK"
tar -C "$ROOT" --exclude=./node_modules --exclude=./dist --exclude=./.git --exclude=./data \
  --exclude=./coverage -cf - . | tar -C "$WORK" -xf -
mkdir "$WORK/node_modules"
cp -al "$ROOT/node_modules/." "$WORK/node_modules/" 2>/dev/null ||
  cp -a "$ROOT/node_modules/." "$WORK/node_modules/"
rm -rf "$WORK/node_modules/better-sqlite3"
cp -a "$ROOT/node_modules/better-sqlite3" "$WORK/node_modules/better-sqlite3"

export PATH="$NODE_DIR/bin:$PATH"
cd "$WORK"
[ "$(node -v)" = "v$NODE24_VERSION" ] || { echo "node24: node on PATH is $(node -v)" >&2; exit 1; }

BS3_VERSION=$(node -p "require('better-sqlite3/package.json').version")
ABI=$(node -p process.versions.modules)
ADDON_CACHE="$CACHE/better_sqlite3-$BS3_VERSION-abi$ABI-linux-$ARCH.node"
ADDON="$WORK/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
sqlite_ok() { node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"; }

if [ -f "$ADDON_CACHE" ]; then
  log "better-sqlite3 $BS3_VERSION for ABI $ABI: cached"
  rm -f "$ADDON"
  cp "$ADDON_CACHE" "$ADDON"
fi
if ! sqlite_ok 2>/dev/null; then
  log "better-sqlite3 $BS3_VERSION: building for ABI $ABI"
  (cd node_modules/better-sqlite3 &&
    node "$NODE_GYP" rebuild --release --nodedir="$NODE_DIR" -j "$(nproc)" >"$WORK/node-gyp.log" 2>&1) ||
    { tail -40 "$WORK/node-gyp.log" >&2; exit 1; }
  sqlite_ok
  cp "$ADDON" "$ADDON_CACHE.$$" && mv -f "$ADDON_CACHE.$$" "$ADDON_CACHE"
fi

log "engines on $(node -v)"
node .ci/engines.js --strict
if [ "${NODE24_PREPARE_ONLY:-0}" = 1 ]; then
  log "prepared (Node and the better-sqlite3 addon cached)"
  exit 0
fi

# dist/ is what tsc made of the same sources (the output does not depend on the Node that ran
# tsc): reuse .ci/run's build when there is one, build on Node 24 otherwise.
if [ -f "$ROOT/dist/apps/api/src/main.js" ]; then
  cp -a "$ROOT/dist" "$WORK/dist"
  node scripts/ensure-built.js
else
  log "build on $(node -v)"
  npm run build
fi

# The two runs go side by side (each its own database; jest in each runs in band): the SQLite one
# is the whole suite, the MySQL one the e2e project. Their outputs are kept apart and printed
# once both are done; either failing fails the script.
if [ "${NODE24_MYSQL:-1}" = 0 ] && [ "${CI:-}" != true ]; then
  log "npm test on SQLite, $(node -v) (MySQL e2e left out: NODE24_MYSQL=0)"
  env -u DATABASE_URL npm test
  log "passed"
  exit 0
fi
log "npm test on SQLite beside e2e on MySQL (${RUN_DB}_n24), $(node -v)"
(env -u DATABASE_URL npm test >"$WORK/sqlite.log" 2>&1) &
sqlite_pid=$!
(DATABASE_URL="mysql://root@$MYSQL_HOST:$MYSQL_PORT/${RUN_DB}_n24" \
  npx jest --selectProjects e2e --runInBand >"$WORK/mysql.log" 2>&1) &
mysql_pid=$!
sqlite_rc=0
mysql_rc=0
wait "$sqlite_pid" || sqlite_rc=$?
log "SQLite run done (exit $sqlite_rc)"
wait "$mysql_pid" || mysql_rc=$?
log "MySQL e2e run done (exit $mysql_rc)"
printf '\n--- node24: npm test on SQLite ---\n'
cat "$WORK/sqlite.log"
printf '\n--- node24: e2e on MySQL ---\n'
cat "$WORK/mysql.log"
if [ "$sqlite_rc" != 0 ] || [ "$mysql_rc" != 0 ]; then
  echo "node24: FAILED (SQLite exit $sqlite_rc, MySQL e2e exit $mysql_rc)" >&2
  exit 1
fi
log "passed"
