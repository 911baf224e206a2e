'use strict';
// The raw baseline: the two registry reads (GET /v1/mcp/server/{id}, GET /v1/mcp/server) as a
// careful hand-written service would answer them, with plain Fastify and mysql2 and nothing else.
// It does what the contract (API.md) needs and no more: the API key lookup by HMAC hash behind
// an in-process TTL cache (concurrent misses share one query), the visibility query, the
// access-group/team query for grouped servers, the same JSON shape, X-Request-Id and
// X-Next-Cursor. The SQL is the same the app sends. No DI, no guards, no pipes, no logging.
//
// Env: BASELINE_DATABASE_URL, BASELINE_PORT, API_KEY_PEPPER, BASELINE_POOL_SIZE (default 10, the
// app's default), BASELINE_COUNT=true adds the app's COUNT(*) (X-Total-Count) for comparison.

const { createHmac, randomBytes } = require('node:crypto');
const Fastify = require('fastify');
const mysql = require('mysql2/promise');

const POOL_SIZE = Number(process.env.BASELINE_POOL_SIZE || 10);
const KEY_CACHE_TTL_MS = 5_000;
const KEY_CACHE_MAX = 10_000;
const WITH_COUNT = process.env.BASELINE_COUNT === 'true';
const PEPPER = process.env.API_KEY_PEPPER;
const SECRET_PATTERN = /^ak_[A-Za-z0-9_-]{20,128}$/;
const SERVER_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const SAFE_REQUEST_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
// Organization keys only: the benchmark never reads through the baseline as a platform admin.
const READ_ROLES = new Set(['org_admin', 'member', 'viewer', 'service']);
const WHOLE_ORG_ROLES = new Set(['org_admin', 'service']);
const CREDENTIAL_TYPES = {
  api_key: 'api_key',
  bearer_token: 'bearer',
  basic: 'basic',
  authorization: 'authorization',
  oauth: 'oauth',
};

const pool = mysql.createPool({
  uri: process.env.BASELINE_DATABASE_URL,
  timezone: 'Z',
  charset: 'utf8mb4_unicode_ci',
  supportBigNumbers: true,
  connectionLimit: POOL_SIZE,
  maxIdle: POOL_SIZE,
  enableKeepAlive: true,
  // No async stack capture on every query (mysql2's default costs ~0.02–0.05 ms a query).
  trace: false,
});

// ---- API keys: HMAC-SHA256(pepper, secret) → cached principal --------------------------------

const KEY_COLUMNS = 'k.id, k.organization_id, k.user_id, k.role, k.expires_at, k.revoked_at';
const NO_KEY_COLUMNS =
  'NULL AS id, NULL AS organization_id, NULL AS user_id, NULL AS role, NULL AS expires_at, NULL AS revoked_at';
const CREDENTIAL_SQL = `
SELECT 'k' AS part, ${KEY_COLUMNS}, NULL AS team_id, NULL AS access_group
  FROM api_keys k WHERE k.key_hash = ?
UNION ALL
SELECT 'g' AS part, ${NO_KEY_COLUMNS}, NULL AS team_id, g.access_group AS access_group
  FROM api_keys k JOIN api_key_access_groups g ON g.key_id = k.id WHERE k.key_hash = ?
UNION ALL
SELECT 't' AS part, ${NO_KEY_COLUMNS}, kt.team_id AS team_id, tg.access_group AS access_group
  FROM api_keys k JOIN api_key_teams kt ON kt.key_id = k.id
  LEFT JOIN team_access_groups tg ON tg.team_id = kt.team_id
  WHERE k.key_hash = ?`;

const keyCache = new Map();
const inflight = new Map();

async function loadKey(hash) {
  const [rows] = await pool.query(CREDENTIAL_SQL, [hash, hash, hash]);
  const keyRow = rows.find((row) => row.part === 'k');
  if (!keyRow) return null;
  const groups = new Set();
  for (const row of rows) if (row.access_group) groups.add(row.access_group);
  return {
    keyId: keyRow.id,
    organizationId: keyRow.organization_id,
    role: keyRow.role,
    accessGroups: [...groups].sort(),
    expiresAtMs: keyRow.expires_at ? keyRow.expires_at.getTime() : null,
    revoked: keyRow.revoked_at !== null,
  };
}

async function principalOf(headers) {
  let secret = headers['x-api-key'];
  if (!secret) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
    secret = match?.[1];
  }
  if (!secret || !SECRET_PATTERN.test(secret)) return null;
  const hash = createHmac('sha256', PEPPER).update(secret, 'utf8').digest('hex');
  const cached = keyCache.get(hash);
  let key;
  if (cached && cached.expires > Date.now()) {
    key = cached.key;
  } else {
    let pending = inflight.get(hash);
    if (!pending) {
      pending = loadKey(hash).finally(() => inflight.delete(hash));
      inflight.set(hash, pending);
    }
    key = await pending;
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value);
    keyCache.set(hash, { key, expires: Date.now() + KEY_CACHE_TTL_MS });
  }
  if (!key || key.revoked) return null;
  if (key.expiresAtMs !== null && key.expiresAtMs <= Date.now()) return null;
  return key;
}

// ---- Registry reads: the visibility query, then access groups and teams ---------------------

const VIEW_COLUMNS = [
  'server_id',
  'organization_id',
  'server_name',
  'alias',
  'description',
  'transport',
  'spec_version',
  'auth_type',
  'url',
  'mcp_info',
  'command',
  'args',
  'env_keys',
  'credential_keys',
  'allowed_tools',
  'has_access_groups',
  'health_check_enabled',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'version',
  'status',
  'last_health_check',
  'health_check_error',
  'tool_count',
  'latency_ms',
  'consecutive_failures',
]
  .map((column) => `s.${column}`)
  .join(', ');

function placeholders(count) {
  return new Array(count).fill('?').join(', ');
}

function readable(key) {
  if (WHOLE_ORG_ROLES.has(key.role)) {
    return { sql: 's.organization_id = ?', params: [key.organizationId] };
  }
  if (key.accessGroups.length === 0) {
    return {
      sql: 's.organization_id = ? AND s.has_access_groups = 0',
      params: [key.organizationId],
    };
  }
  return {
    sql:
      `s.organization_id = ? AND (s.has_access_groups = 0 OR s.server_id IN (SELECT g.server_id FROM mcp_server_access_groups g` +
      ` WHERE g.organization_id = ? AND g.access_group IN (${placeholders(key.accessGroups.length)})))`,
    params: [key.organizationId, key.organizationId, ...key.accessGroups],
  };
}

/**
 * One page of visible servers in (created_at, server_id) order, with the app's SQL: a keyset
 * range of the organization for whole-organization keys; for members and viewers the ungrouped
 * servers and those of each of their groups as bounded reads merged.
 */
function listQuery(key, take, after) {
  const keyset = after
    ? {
        sql: ' AND (x.created_at > ? OR (x.created_at = ? AND x.server_id > ?))',
        params: (() => {
          const at = new Date(after[0]).toISOString().replace('T', ' ').replace('Z', '');
          return [at, at, after[1]];
        })(),
      }
    : { sql: '', params: [] };
  if (WHOLE_ORG_ROLES.has(key.role) || key.accessGroups.length === 0) {
    const scope = readable(key);
    return {
      sql:
        `SELECT ${VIEW_COLUMNS} FROM mcp_servers s WHERE ${scope.sql}${keyset.sql.replace(/x\./g, 's.')}` +
        ' ORDER BY s.created_at, s.server_id LIMIT ?',
      params: [...scope.params, ...keyset.params, take],
    };
  }
  // One bounded index range per source: the servers without groups, then each of the key's
  // groups (access-group rows carry the server's created_at), merged by one outer sort.
  const branches = [
    `SELECT server_id FROM (SELECT x.server_id FROM mcp_servers x` +
      ` WHERE x.organization_id = ? AND x.has_access_groups = 0${keyset.sql}` +
      ` ORDER BY x.created_at, x.server_id LIMIT ?) b0`,
  ];
  const params = [key.organizationId, ...keyset.params, take];
  const groupKeyset = keyset.sql
    .replace(/x\.created_at/g, 'g.server_created_at')
    .replace(/x\.server_id/g, 'g.server_id');
  key.accessGroups.forEach((accessGroup, index) => {
    branches.push(
      `SELECT server_id FROM (SELECT g.server_id FROM mcp_server_access_groups g` +
        ` WHERE g.organization_id = ? AND g.access_group = ?${groupKeyset}` +
        ` ORDER BY g.server_created_at, g.server_id LIMIT ?) b${index + 1}`,
    );
    params.push(key.organizationId, accessGroup, ...keyset.params, take);
  });
  params.push(take);
  return {
    sql:
      `SELECT ${VIEW_COLUMNS} FROM mcp_servers s JOIN (${branches.join(' UNION ')}) v` +
      ` ON v.server_id = s.server_id ORDER BY s.created_at, s.server_id LIMIT ?`,
    params,
  };
}

async function reachOf(organizationId, serverIds) {
  const reach = new Map();
  if (serverIds.length === 0) return reach;
  const [rows] = await pool.query(
    'SELECT g.server_id, g.access_group, t.id AS team_id, t.name AS team_name' +
      ' FROM mcp_server_access_groups g' +
      ' LEFT JOIN team_access_groups tg' +
      ' ON tg.organization_id = g.organization_id AND tg.access_group = g.access_group' +
      ' LEFT JOIN teams t ON t.id = tg.team_id AND t.organization_id = g.organization_id' +
      ` WHERE g.server_id IN (${placeholders(serverIds.length)}) AND g.organization_id = ?`,
    [...serverIds, organizationId],
  );
  for (const row of rows) {
    let entry = reach.get(row.server_id);
    if (!entry) {
      entry = { groups: new Set(), teams: new Map() };
      reach.set(row.server_id, entry);
    }
    entry.groups.add(row.access_group);
    if (row.team_id !== null) entry.teams.set(row.team_id, row.team_name);
  }
  return reach;
}

function mask(keys) {
  const masked = {};
  for (const key of keys) masked[key] = '****';
  return masked;
}

function toResponse(row, entry, hide) {
  const credentialKeys = row.credential_keys ? JSON.parse(row.credential_keys) : null;
  const credentialType = CREDENTIAL_TYPES[row.auth_type] ?? null;
  const teams = entry
    ? [...entry.teams]
        .map(([teamId, name]) => ({
          team_id: teamId,
          team_alias: name,
          organization_id: row.organization_id,
        }))
        .sort((a, b) =>
          a.team_alias === b.team_alias
            ? a.team_id < b.team_id
              ? -1
              : 1
            : a.team_alias < b.team_alias
              ? -1
              : 1,
        )
    : [];
  return {
    server_id: row.server_id,
    server_name: row.server_name,
    alias: row.alias,
    description: row.description,
    url: hide ? null : row.url,
    transport: row.transport,
    spec_version: row.spec_version,
    auth_type: row.auth_type,
    created_at: row.created_at.toISOString(),
    created_by: row.created_by,
    updated_at: row.updated_at.toISOString(),
    updated_by: row.updated_by,
    teams,
    mcp_access_groups: entry ? [...entry.groups].sort() : [],
    mcp_info: JSON.parse(row.mcp_info),
    status: row.status,
    last_health_check: row.last_health_check ? row.last_health_check.toISOString() : null,
    health_check_error: row.health_check_error,
    command: hide ? null : row.command,
    args: hide ? null : JSON.parse(row.args),
    env: hide ? null : mask(JSON.parse(row.env_keys)),
    organization_id: row.organization_id,
    allowed_tools: JSON.parse(row.allowed_tools),
    credentials:
      credentialKeys && credentialType ? { type: credentialType, ...mask(credentialKeys) } : null,
    has_credentials: credentialKeys !== null,
    tool_count: row.tool_count,
    latency_ms: row.latency_ms,
    consecutive_failures: row.consecutive_failures,
    health_check_enabled: row.health_check_enabled === 1,
  };
}

// ---- HTTP ------------------------------------------------------------------------------------

function envelope(reply, status, code, type, message) {
  reply.code(status).header('content-type', 'application/json; charset=utf-8');
  return JSON.stringify({
    success: false,
    error: {
      code,
      message,
      system_message: message,
      type,
      status,
      trace_id: reply.request.id,
      timestamp: new Date().toISOString(),
    },
  });
}

const app = Fastify({
  logger: false,
  genReqId: (req) => {
    const incoming = req.headers['x-request-id'];
    return incoming && SAFE_REQUEST_ID.test(incoming)
      ? incoming
      : `req_${randomBytes(12).toString('hex')}`;
  },
});

app.addHook('onRequest', async (request, reply) => {
  reply.header('x-request-id', request.id);
});

async function authorize(request, reply) {
  const key = await principalOf(request.headers);
  if (!key)
    return {
      error: envelope(reply, 401, 'INVALID_API_KEY', 'authentication_error', 'Invalid API key'),
    };
  if (!READ_ROLES.has(key.role))
    return {
      error: envelope(
        reply,
        403,
        'INSUFFICIENT_PERMISSIONS',
        'permission_error',
        'Insufficient permissions',
      ),
    };
  return { key };
}

app.get('/v1/mcp/server/:serverId', async (request, reply) => {
  const { key, error } = await authorize(request, reply);
  if (error) return error;
  const { serverId } = request.params;
  if (!SERVER_ID_PATTERN.test(serverId))
    return envelope(reply, 404, 'NOT_FOUND', 'not_found_error', 'Server not found');
  const scope = readable(key);
  const [rows] = await pool.query(
    `SELECT ${VIEW_COLUMNS} FROM mcp_servers s WHERE s.server_id = ? AND ${scope.sql}`,
    [serverId, ...scope.params],
  );
  if (rows.length === 0)
    return envelope(reply, 404, 'NOT_FOUND', 'not_found_error', 'Server not found');
  const row = rows[0];
  const reach = row.has_access_groups
    ? await reachOf(row.organization_id, [row.server_id])
    : new Map();
  reply.header('content-type', 'application/json; charset=utf-8');
  return JSON.stringify(toResponse(row, reach.get(row.server_id), key.role === 'viewer'));
});

app.get('/v1/mcp/server', async (request, reply) => {
  const { key, error } = await authorize(request, reply);
  if (error) return error;
  const invalid = () =>
    envelope(reply, 400, 'VALIDATION_ERROR', 'validation_error', 'Invalid request parameters');
  const limit = request.query.limit === undefined ? 50 : Number(request.query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return invalid();
  }
  let after = null;
  if (request.query.cursor) {
    try {
      after = JSON.parse(Buffer.from(request.query.cursor, 'base64url').toString('utf8'));
    } catch {
      after = null;
    }
    if (!Array.isArray(after) || after.length !== 2) {
      return invalid();
    }
  }
  const page = listQuery(key, limit + 1, after);
  const scope = readable(key);
  const [[rows], counted] = await Promise.all([
    pool.query(page.sql, page.params),
    WITH_COUNT
      ? pool.query(`SELECT COUNT(*) AS total FROM mcp_servers s WHERE ${scope.sql}`, scope.params)
      : null,
  ]);
  const items = rows.length > limit ? rows.slice(0, limit) : rows;
  const reach = await reachOf(
    key.organizationId,
    items.filter((row) => row.has_access_groups).map((row) => row.server_id),
  );
  if (rows.length > limit) {
    const last = items[items.length - 1];
    reply.header(
      'x-next-cursor',
      Buffer.from(JSON.stringify([last.created_at.toISOString(), last.server_id]), 'utf8').toString(
        'base64url',
      ),
    );
  }
  if (counted) reply.header('x-total-count', String(counted[0][0].total));
  reply.header('content-type', 'application/json; charset=utf-8');
  const hide = key.role === 'viewer';
  return JSON.stringify(items.map((row) => toResponse(row, reach.get(row.server_id), hide)));
});

app.get('/health/ready', async (request, reply) => {
  await pool.query('SELECT 1');
  reply.header('content-type', 'application/json; charset=utf-8');
  return '{"status":"ok","info":{"database":{"status":"up"}},"error":{},"details":{"database":{"status":"up"}}}';
});

async function main() {
  await app.listen({ port: Number(process.env.BASELINE_PORT || 3100), host: '127.0.0.1' });
  const stop = () => {
    app
      .close()
      .then(() => pool.end())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
