'use strict';
// Prepares the benchmark database: drop, create, the app's migrations, then bulk SQL inserts of
// organizations, keys of every role, teams, registry servers and custom configurations, with the
// app's own key hashing and SecretBox sealing so the app reads them like rows it wrote itself.

const { randomBytes, randomUUID } = require('node:crypto');
const mysql = require('mysql2/promise');

const ROLES = ['org_admin', 'member', 'viewer', 'service', 'health_monitor'];
/** Access groups of an organization; with 1% of servers ungrouped a one-group key sees ~5%. */
const GROUP_COUNT = 25;
const MEMBER_GROUP = 'grp_01';
const VIEWER_GROUP = 'grp_02';
const TEAMS_PER_ORG = 5;
const INSERT_BATCH = 500;
const BASE_TIME = Date.UTC(2025, 0, 1);

const SERVER_COLUMNS = [
  'server_id',
  'organization_id',
  'server_name',
  'server_name_key',
  'alias',
  'alias_key',
  'description',
  'transport',
  'spec_version',
  'auth_type',
  'url',
  'mcp_info',
  'command',
  'args',
  'env_keys',
  'env_sealed',
  'credential_keys',
  'credentials_sealed',
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
  'next_check_at',
];

const CONFIGURATION_COLUMNS = [
  'id',
  'organization_id',
  'user_id',
  'name',
  'active_name_key',
  'type',
  'server_url',
  'transport_type',
  'auth_type',
  'credentials_sealed',
  'tool_configuration',
  'is_active',
  'connection_status',
  'last_connected_at',
  'error_message',
  'created_at',
  'updated_at',
];

function hex(bytes) {
  return randomBytes(bytes).toString('hex');
}

function secret() {
  return `ak_${randomBytes(30).toString('base64url')}`;
}

function databaseName(url) {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

function serverUrlOf(url) {
  const parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
  parsed.pathname = '/';
  return parsed.toString();
}

async function connect(url) {
  return mysql.createConnection({ uri: url, timezone: 'Z', charset: 'utf8mb4_unicode_ci' });
}

async function recreateDatabase(url) {
  const name = databaseName(url);
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name))
    throw new Error(`BENCH_DATABASE_URL names no usable database: ${name}`);
  const connection = await connect(serverUrlOf(url));
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await connection.query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }
}

async function insertRows(connection, table, columns, rows) {
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    await connection.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`, [
      rows.slice(start, start + INSERT_BATCH),
    ]);
  }
}

/** Which access groups server number `index` of an organization has. */
function groupsOf(index) {
  if (index % 100 === 0) return [];
  return [`grp_${String(index % GROUP_COUNT).padStart(2, '0')}`];
}

function teamGroups(team) {
  return Array.from(
    { length: GROUP_COUNT / TEAMS_PER_ORG },
    (_, i) => `grp_${String(team * (GROUP_COUNT / TEAMS_PER_ORG) + i).padStart(2, '0')}`,
  );
}

class Seeder {
  constructor(connection, code) {
    this.connection = connection;
    this.code = code;
  }

  async organization(id, name) {
    await this.connection.query(
      'INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)',
      [id, name, new Date(BASE_TIME)],
    );
  }

  /** Five teams granting five groups each, plus the member's own one-group team. */
  async teams(organizationId) {
    const teams = [];
    const teamGroupRows = [];
    const now = new Date(BASE_TIME);
    for (let team = 0; team < TEAMS_PER_ORG; team += 1) {
      const id = `team_${hex(16)}`;
      teams.push([id, organizationId, `Team ${team}`, now, now]);
      for (const group of teamGroups(team)) teamGroupRows.push([id, organizationId, group]);
    }
    const memberTeam = `team_${hex(16)}`;
    teams.push([memberTeam, organizationId, 'Member team', now, now]);
    teamGroupRows.push([memberTeam, organizationId, MEMBER_GROUP]);
    await insertRows(
      this.connection,
      'teams',
      ['id', 'organization_id', 'name', 'created_at', 'updated_at'],
      teams,
    );
    await insertRows(
      this.connection,
      'team_access_groups',
      ['team_id', 'organization_id', 'access_group'],
      teamGroupRows,
    );
    return { memberTeam };
  }

  /** A key of `role`; returns its secret and ids. */
  async key(organizationId, role, { accessGroups = [], teamIds = [] } = {}) {
    const value = secret();
    const id = `key_${hex(16)}`;
    const userId = `usr_${hex(16)}`;
    await this.connection.query(
      'INSERT INTO api_keys (id, organization_id, user_id, name, role, key_hash, key_prefix, expires_at, revoked_at, created_by_key_id, created_at)' +
        ' VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?)',
      [
        id,
        organizationId,
        userId,
        `bench ${role}`,
        role,
        this.code.hasher.hash(value),
        value.slice(0, 11),
        new Date(BASE_TIME),
      ],
    );
    if (accessGroups.length > 0) {
      await insertRows(
        this.connection,
        'api_key_access_groups',
        ['key_id', 'access_group'],
        accessGroups.map((group) => [id, group]),
      );
    }
    if (teamIds.length > 0) {
      await insertRows(
        this.connection,
        'api_key_teams',
        ['key_id', 'team_id'],
        teamIds.map((team) => [id, team]),
      );
    }
    return { key: value, keyId: id, userId, role };
  }

  /** An organization with teams and one key of every role. */
  async tenant(organizationId, name) {
    await this.organization(organizationId, name);
    const { memberTeam } = await this.teams(organizationId);
    const keys = {};
    for (const role of ROLES) {
      const grants =
        role === 'member'
          ? { accessGroups: [MEMBER_GROUP], teamIds: [memberTeam] }
          : role === 'viewer'
            ? { accessGroups: [VIEWER_GROUP] }
            : {};
      keys[role] = await this.key(organizationId, role, grants);
    }
    return { organizationId, keys };
  }

  /**
   * `count` registry servers in the organization (env and bearer credentials sealed, health
   * columns filled as after a check). Returns their ids in creation order and which ones the
   * member key sees.
   */
  async servers(organizationId, count, { createdBy, startIndex = 0, timeOffsetMs = 0 } = {}) {
    const { secretBox, serverNameKeyOf, aliasKeyOf } = this.code;
    const ids = [];
    const memberVisible = [];
    let rows = [];
    let groupRows = [];
    const flush = async () => {
      await insertRows(this.connection, 'mcp_servers', SERVER_COLUMNS, rows);
      await insertRows(
        this.connection,
        'mcp_server_access_groups',
        ['server_id', 'organization_id', 'access_group', 'server_created_at'],
        groupRows,
      );
      rows = [];
      groupRows = [];
    };
    for (let n = 0; n < count; n += 1) {
      const index = startIndex + n;
      const serverId = randomUUID();
      const groups = groupsOf(index);
      const name = `Bench server ${index}`;
      const alias = `bench_server_${index}`;
      const createdAt = new Date(BASE_TIME + timeOffsetMs + index * 1000);
      const env = { API_BASE: `https://api.example.test/${index}`, API_TOKEN: hex(16) };
      const credentials = { type: 'bearer', token: `tok_${hex(16)}` };
      const aad = (resourceType) => ({ resourceType, resourceId: serverId, organizationId });
      rows.push([
        serverId,
        organizationId,
        name,
        serverNameKeyOf(name),
        alias,
        aliasKeyOf(alias),
        `Benchmark MCP server number ${index}: a realistic description of what the tools of this server do.`,
        'streamable_http',
        '2025-06-18',
        'bearer_token',
        `https://mcp-${index}.bench.example.test/mcp`,
        JSON.stringify({
          server_name: name,
          description: `Server ${index} of the benchmark`,
          logo_url: `https://cdn.example.test/logos/${index % 50}.png`,
          mcp_server_cost_info: {
            default_cost_per_query: 0.001,
            tool_name_to_cost_per_query: { search: 0.002, fetch: 0.001, summarize: 0.01 },
          },
        }),
        null,
        '[]',
        JSON.stringify(Object.keys(env)),
        secretBox.sealJson(env, aad('mcp_server.env')),
        JSON.stringify(['token']),
        secretBox.sealJson(credentials, aad('mcp_server.credentials')),
        '[]',
        groups.length > 0 ? 1 : 0,
        1,
        createdAt,
        createdBy,
        createdAt,
        createdBy,
        1,
        'healthy',
        new Date(BASE_TIME + timeOffsetMs + index * 1000 + 60_000),
        null,
        3,
        12,
        0,
        // Not due: only the probe phase's own servers are ever checked.
        new Date(Date.UTC(2100, 0, 1)),
      ]);
      for (const group of groups) groupRows.push([serverId, organizationId, group, createdAt]);
      ids.push(serverId);
      if (groups.length === 0 || groups.includes(MEMBER_GROUP)) memberVisible.push(serverId);
      if (rows.length >= 2000) await flush();
    }
    await flush();
    return { ids, memberVisible };
  }

  async configurations(organizationId, count, userId) {
    const { secretBox, activeNameKeyOf } = this.code;
    const rows = [];
    for (let index = 0; index < count; index += 1) {
      const id = `mcp_${hex(16)}`;
      const name = `Bench configuration ${index}`;
      const createdAt = new Date(BASE_TIME + index * 1000);
      rows.push([
        id,
        organizationId,
        userId,
        name,
        activeNameKeyOf(name),
        'custom',
        `https://mcp-${index}.configs.example.test/mcp`,
        'streamable_http',
        'bearer_token',
        secretBox.sealJson(
          { type: 'bearer', token: `tok_${hex(16)}` },
          { resourceType: 'mcp_configuration', resourceId: id, organizationId },
        ),
        JSON.stringify({ enabled: true, allowed_tools: ['search', 'fetch'] }),
        1,
        'disconnected',
        null,
        null,
        createdAt,
        createdAt,
      ]);
    }
    await insertRows(this.connection, 'mcp_configurations', CONFIGURATION_COLUMNS, rows);
  }
}

/**
 * The main data set: `orgs` organizations of `serversPerOrg` servers and `configsPerOrg`
 * configurations each, keys of every role, a platform admin key, and an empty organization for
 * the create benchmark (so its growth never changes what the reads see).
 */
async function seedMain(connection, code, { orgs, serversPerOrg, configsPerOrg }) {
  const seeder = new Seeder(connection, code);
  const tenants = [];
  for (let o = 0; o < orgs; o += 1) {
    const organizationId = `org_bench${String(o).padStart(2, '0')}`;
    const tenant = await seeder.tenant(organizationId, `Bench organization ${o}`);
    const servers = await seeder.servers(organizationId, serversPerOrg, {
      createdBy: tenant.keys.org_admin.userId,
      timeOffsetMs: o * 7,
    });
    await seeder.configurations(organizationId, configsPerOrg, tenant.keys.member.userId);
    tenants.push({ ...tenant, serverIds: servers.ids, memberVisible: servers.memberVisible });
  }
  const writes = await seeder.tenant('org_benchwrites', 'Bench writes');
  return { tenants, writes };
}

module.exports = {
  connect,
  recreateDatabase,
  seedMain,
  Seeder,
  MEMBER_GROUP,
  databaseName,
};
