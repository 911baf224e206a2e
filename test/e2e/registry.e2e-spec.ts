import { createKey, createOrg, createTeam, unique } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/** The seed's example response (004), whose every field a response must carry with its type. */
const SEED_RESPONSE = {
  server_id: 'string',
  server_name: 'string',
  alias: 'string',
  description: 'string',
  url: 'string',
  transport: 'sse',
  spec_version: '2024-11-05',
  auth_type: 'none',
  created_at: '2025-08-10T15:27:35.211Z',
  created_by: 'string',
  updated_at: '2025-08-10T15:27:35.211Z',
  updated_by: 'string',
  teams: [{ additionalProp1: 'string' }],
  mcp_access_groups: ['string'],
  mcp_info: {
    server_name: 'string',
    description: 'string',
    logo_url: 'string',
    mcp_server_cost_info: {
      default_cost_per_query: 0,
      tool_name_to_cost_per_query: { additionalProp1: 0 },
    },
  },
  status: 'unknown',
  last_health_check: '2025-08-10T15:27:35.211Z',
  health_check_error: 'string',
  command: 'string',
  args: ['string'],
  env: { additionalProp1: 'string' },
};

/** Fields that are null until something happens (no health check has run yet). */
const NULL_UNTIL_CHECKED = new Set(['last_health_check', 'health_check_error']);

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Every field of the seed example is present, with the same JSON type, recursively. */
function expectSeedShape(actual: unknown, expected: unknown = SEED_RESPONSE, path = ''): void {
  if (jsonType(expected) === 'object') {
    expect({ path, type: jsonType(actual) }).toEqual({ path, type: 'object' });
    const record = actual as Record<string, unknown>;
    for (const [key, value] of Object.entries(expected as Record<string, unknown>)) {
      if (key.startsWith('additionalProp')) {
        for (const item of Object.values(record)) expectSeedShape(item, value, `${path}.*`);
        continue;
      }
      const fieldPath = path ? `${path}.${key}` : key;
      expect({ field: fieldPath, present: key in record }).toEqual({
        field: fieldPath,
        present: true,
      });
      if (NULL_UNTIL_CHECKED.has(key) && record[key] === null) continue;
      expectSeedShape(record[key], value, fieldPath);
    }
    return;
  }
  if (jsonType(expected) === 'array') {
    expect({ path, type: jsonType(actual) }).toEqual({ path, type: 'array' });
    for (const item of actual as unknown[]) {
      expectSeedShape(item, (expected as unknown[])[0], `${path}[]`);
    }
    return;
  }
  expect({ path, type: jsonType(actual) }).toEqual({ path, type: jsonType(expected) });
}

/** The seed's POST body with realistic values in place of its "string" placeholders. */
function seedSseBody(suffix: string) {
  return {
    server_id: `seed-sse-${suffix}`,
    server_name: `Seed SSE ${suffix}`,
    alias: `seed_sse_${suffix}`,
    description: 'Search and issue tools over SSE',
    transport: 'sse',
    spec_version: '2025-06-18',
    auth_type: 'none',
    url: 'https://mcp.example.com/sse',
    mcp_info: {
      server_name: 'Example MCP',
      description: 'The example MCP server',
      logo_url: 'https://mcp.example.com/logo.png',
      mcp_server_cost_info: {
        default_cost_per_query: 0.01,
        tool_name_to_cost_per_query: { search: 0.02, create_issue: 0.05, ping: 0 },
      },
    },
    mcp_access_groups: ['engineering'],
    command: 'npx',
    args: ['-y', '@modelcontextprotocol/server-everything'],
    env: { REGION: 'eu-west-1', LOG_LEVEL: 'debug', FEATURE_FLAGS: 'a,b' },
  };
}

function seedStdioBody(suffix: string) {
  return {
    server_id: `seed-stdio-${suffix}`,
    server_name: `Seed stdio ${suffix}`,
    alias: `seed_stdio_${suffix}`,
    description: 'Everything server over stdio',
    transport: 'stdio',
    spec_version: '2025-03-26',
    auth_type: 'none',
    url: 'https://ignored.example.com',
    mcp_info: {
      server_name: 'Everything',
      description: 'Reference server',
      logo_url: 'https://example.com/everything.png',
      mcp_server_cost_info: { default_cost_per_query: 0, tool_name_to_cost_per_query: {} },
    },
    mcp_access_groups: [],
    command: 'npx',
    args: ['-y', '@modelcontextprotocol/server-everything'],
    env: { DEBUG: '1' },
  };
}

describe('server registry (seed 004)', () => {
  let t: TestApp;
  let orgId: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    orgId = (await createOrg(t)).organization_id;
    admin = (
      await createKey(t, { organizationId: orgId, role: 'org_admin', userId: 'usr_seedadmin' })
    ).key;
  });

  describe('seed replay', () => {
    it('answers the five seed requests with 201/202/200/200/202 and every seed field', async () => {
      const body = seedSseBody(unique());

      const created = await t.request('POST', '/v1/mcp/server', { key: admin, body });
      expect(created.status).toBe(201);
      expectSeedShape(created.body);
      expect(created.body).toMatchObject({
        server_id: body.server_id,
        server_name: body.server_name,
        alias: body.alias,
        url: 'https://mcp.example.com/sse',
        transport: 'sse',
        spec_version: '2025-06-18',
        auth_type: 'none',
        created_by: 'usr_seedadmin',
        updated_by: 'usr_seedadmin',
        mcp_access_groups: ['engineering'],
        mcp_info: body.mcp_info,
        status: 'unknown',
        last_health_check: null,
        command: 'npx',
        args: body.args,
        env: { REGION: '****', LOG_LEVEL: '****', FEATURE_FLAGS: '****' },
        teams: [],
        organization_id: orgId,
        health_check_enabled: true,
      });
      expect(created.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      const edited = await t.request('PUT', '/v1/mcp/server', {
        key: admin,
        body: { ...body, description: 'Edited', spec_version: '2024-11-05' },
      });
      expect(edited.status).toBe(202);
      expectSeedShape(edited.body);
      expect(edited.body).toMatchObject({ description: 'Edited', spec_version: '2024-11-05' });
      expect(edited.body.created_at).toBe(created.body.created_at);

      const list = await t.request('GET', '/v1/mcp/server', { key: admin });
      expect(list.status).toBe(200);
      expect(Array.isArray(list.body)).toBe(true);
      expect(list.body).toHaveLength(1);
      expectSeedShape(list.body[0]);

      const one = await t.request('GET', `/v1/mcp/server/${body.server_id}`, { key: admin });
      expect(one.status).toBe(200);
      expectSeedShape(one.body);
      expect(one.body).toEqual(edited.body);

      const removed = await t.request('DELETE', `/v1/mcp/server/${body.server_id}`, { key: admin });
      expect(removed.status).toBe(202);
      expect(removed.headers.get('content-type')).toMatch(/^application\/json/);
      expect(typeof removed.body).toBe('string');
      expect(removed.text).toBe(JSON.stringify(`Server ${body.server_id} deleted`));
    });

    it('registers a stdio server with npx (platform admin), storing no url', async () => {
      const body = seedStdioBody(unique());
      const created = await t.request('POST', '/v1/mcp/server', {
        body: { ...body, organization_id: orgId },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        transport: 'stdio',
        url: null,
        command: 'npx',
        args: body.args,
        env: { DEBUG: '****' },
        spec_version: '2025-03-26',
      });
      const [row] = await t.dataSource.query('SELECT url FROM mcp_servers WHERE server_id = ?', [
        body.server_id,
      ]);
      expect(row.url).toBeNull();
    });

    it('fills defaults: generated UUID id, alias from the name, spec version, empty fields', async () => {
      const created = await t.request('POST', '/v1/mcp/server', {
        key: admin,
        body: {
          server_name: 'My Server.v2',
          transport: 'http',
          url: 'http://mcp.internal:8080/mcp',
        },
      });
      expect(created.status).toBe(201);
      expect(created.body.server_id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(created.body).toMatchObject({
        alias: 'My_Server_v2',
        spec_version: '2025-06-18',
        auth_type: 'none',
        transport: 'http',
        description: null,
        mcp_access_groups: [],
        allowed_tools: [],
        args: [],
        env: {},
        command: null,
        credentials: null,
        has_credentials: false,
        mcp_info: {
          server_name: null,
          description: null,
          logo_url: null,
          mcp_server_cost_info: { default_cost_per_query: 0, tool_name_to_cost_per_query: {} },
        },
      });
    });

    it('answers a create with exactly what a read of the server returns', async () => {
      await createTeam(t, orgId, ['ops'], 'Platform');
      const bodies = [
        {
          ...seedSseBody(unique()),
          mcp_access_groups: ['ops', 'engineering'],
          auth_type: 'bearer_token',
          credentials: { token: 'tok-create-vs-read' },
        },
        { server_name: `Plain ${unique()}`, transport: 'http', url: 'http://mcp.internal/mcp' },
      ];
      for (const body of bodies) {
        const created = await t.request('POST', '/v1/mcp/server', { key: admin, body });
        expect(created.status).toBe(201);
        const read = await t.request('GET', `/v1/mcp/server/${created.body.server_id}`, {
          key: admin,
        });
        expect(read.status).toBe(200);
        expect(created.body).toEqual(read.body);
        expect(created.headers.get('etag')).toBe(read.headers.get('etag'));
      }
    });

    it('replaces the whole server on PUT: fields left out become empty', async () => {
      const body = seedSseBody(unique());
      await t.request('POST', '/v1/mcp/server', { key: admin, body });
      const replaced = await t.request('PUT', '/v1/mcp/server', {
        key: admin,
        body: {
          server_id: body.server_id,
          server_name: body.server_name,
          transport: 'streamable_http',
          url: 'https://mcp.example.com/mcp',
        },
      });
      expect(replaced.status).toBe(202);
      expect(replaced.body).toMatchObject({
        transport: 'streamable_http',
        alias: body.server_name.replace(/ /g, '_'),
        description: null,
        mcp_access_groups: [],
        command: null,
        args: [],
        env: {},
      });
      const groups = await t.dataSource.query(
        'SELECT access_group FROM mcp_server_access_groups WHERE server_id = ?',
        [body.server_id],
      );
      expect(groups).toEqual([]);
    });
  });

  describe('validation', () => {
    const base = () => ({
      server_name: `Valid ${unique()}`,
      transport: 'sse',
      url: 'https://mcp.example.com/sse',
    });
    /** stdio bodies go in as a platform admin (org admins get 403 before any validation). */
    const asDefiner = (body: Record<string, unknown>) =>
      body.transport === 'stdio'
        ? { key: t.adminKey, body: { ...body, organization_id: orgId } }
        : { key: admin, body };
    const stdio = () => ({
      server_name: `Stdio ${unique()}`,
      transport: 'stdio',
      command: 'npx',
      args: ['-y', 'pkg'],
    });

    it.each([
      ['sse without url', () => ({ ...base(), url: undefined }), 'url'],
      ['http without url', () => ({ ...base(), transport: 'http', url: undefined }), 'url'],
      [
        'streamable_http with a non-http url',
        () => ({ ...base(), transport: 'streamable_http', url: 'ftp://x.example.com' }),
        'url',
      ],
      [
        'a url with user:password',
        () => ({ ...base(), url: 'https://user:pw@mcp.example.com' }),
        'url',
      ],
      [
        'a url over 2048 characters',
        () => ({ ...base(), url: `https://mcp.example.com/${'a'.repeat(2048)}` }),
        'url',
      ],
      ['stdio without command', () => ({ ...stdio(), command: undefined }), 'command'],
      ['stdio with a command not allowed', () => ({ ...stdio(), command: 'bash' }), 'command'],
      [
        'stdio with a disallowed command behind a path',
        () => ({ ...stdio(), command: '/bin/sh' }),
        'command',
      ],
      [
        'stdio with a path to an allowed command',
        () => ({ ...stdio(), command: '/usr/local/bin/uvx' }),
        'command',
      ],
      [
        'stdio with an env name that preloads code',
        () => ({ ...stdio(), env: { node_options: '--require /tmp/x.js' } }),
        'env.node_options',
      ],
      ['an unknown transport', () => ({ ...base(), transport: 'websocket' }), 'transport'],
      ['an unknown auth_type', () => ({ ...base(), auth_type: 'digest' }), 'auth_type'],
      [
        'an unknown spec_version',
        () => ({ ...base(), spec_version: '2023-01-01' }),
        'spec_version',
      ],
      [
        'a negative default cost',
        () => ({ ...base(), mcp_info: { mcp_server_cost_info: { default_cost_per_query: -1 } } }),
        'mcp_info.mcp_server_cost_info.default_cost_per_query',
      ],
      [
        'a negative tool cost',
        () => ({
          ...base(),
          mcp_info: { mcp_server_cost_info: { tool_name_to_cost_per_query: { search: -0.5 } } },
        }),
        'mcp_info.mcp_server_cost_info.tool_name_to_cost_per_query',
      ],
      [
        'a string cost',
        () => ({ ...base(), mcp_info: { mcp_server_cost_info: { default_cost_per_query: '1' } } }),
        'mcp_info.mcp_server_cost_info.default_cost_per_query',
      ],
      [
        'an unknown mcp_info field',
        () => ({ ...base(), mcp_info: { colour: 'red' } }),
        'mcp_info.colour',
      ],
      ['mcp_info that is not an object', () => ({ ...base(), mcp_info: 'info' }), 'mcp_info'],
      ['a bad alias', () => ({ ...base(), alias: 'bad-alias!' }), 'alias'],
      ['an alias over 64 characters', () => ({ ...base(), alias: 'a'.repeat(65) }), 'alias'],
      ['a bad server_name', () => ({ ...base(), server_name: 'name/with/slash' }), 'server_name'],
      ['a missing server_name', () => ({ ...base(), server_name: undefined }), 'server_name'],
      ['a bad server_id', () => ({ ...base(), server_id: 'has space' }), 'server_id'],
      ['a reserved server_id', () => ({ ...base(), server_id: 'health' }), 'server_id'],
      ['an unknown field', () => ({ ...base(), colour: 'red' }), 'colour'],
      ['an env value that is not a string', () => ({ ...base(), env: { PORT: 8080 } }), 'env'],
      ['an arg that is not a string', () => ({ ...stdio(), args: ['-y', 3] }), 'args'],
      [
        'access groups that are not strings',
        () => ({ ...base(), mcp_access_groups: [1] }),
        'mcp_access_groups',
      ],
      [
        'bearer credentials without a token',
        () => ({ ...base(), auth_type: 'bearer_token', credentials: { type: 'bearer' } }),
        'credentials.token',
      ],
      [
        'credentials with auth_type none',
        () => ({ ...base(), credentials: { token: 'x' } }),
        'credentials.token',
      ],
      [
        'an unknown credential field',
        () => ({
          ...base(),
          auth_type: 'basic',
          credentials: { username: 'u', password: 'p', realm: 'r' },
        }),
        'credentials.realm',
      ],
      [
        'a credential type of another auth_type',
        () => ({ ...base(), auth_type: 'api_key', credentials: { type: 'bearer', api_key: 'k' } }),
        'credentials.type',
      ],
      [
        'a health_check_enabled that is not a boolean',
        () => ({ ...base(), health_check_enabled: 'yes' }),
        'health_check_enabled',
      ],
    ])('rejects %s with 400 naming the field', async (_name, makeBody, field) => {
      const res = await t.request('POST', '/v1/mcp/server', asDefiner(makeBody()));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      const fields = (res.body.error.details.fields as { field: string }[]).map((f) => f.field);
      expect(fields).toContain(field);
    });

    it.each([
      ['sse', { transport: 'sse', url: 'https://mcp.example.com/sse' }],
      ['http', { transport: 'http', url: 'http://10.0.0.5:8080/mcp' }],
      ['streamable_http', { transport: 'streamable_http', url: 'https://mcp.example.com/mcp' }],
      ['stdio with npx', { transport: 'stdio', command: 'npx', args: ['-y', 'server'] }],
      ['stdio with uvx', { transport: 'stdio', command: 'uvx', args: ['mcp-server-git'] }],
      ['stdio without args', { transport: 'stdio', command: 'node' }],
      ['stdio with NODE_ENV', { transport: 'stdio', command: 'node', env: { NODE_ENV: 'x' } }],
    ])('accepts a valid %s server', async (_name, fields) => {
      const res = await t.request(
        'POST',
        '/v1/mcp/server',
        asDefiner({ server_name: `Valid ${unique()}`, ...fields }),
      );
      expect(res.status).toBe(201);
      expect(res.body.transport).toBe(fields.transport);
    });

    it('requires server_id on PUT', async () => {
      const res = await t.request('PUT', '/v1/mcp/server', { key: admin, body: base() });
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(
        'server_id',
      );
    });

    it('accepts every credential shape of API.md §3 plus basic and authorization', async () => {
      const shapes: [string, Record<string, unknown>, Record<string, string>][] = [
        ['api_key', { api_key: 'k-1' }, { type: 'api_key', api_key: '****', header_name: '****' }],
        ['bearer_token', { type: 'bearer', token: 't-1' }, { type: 'bearer', token: '****' }],
        [
          'basic',
          { username: 'u', password: 'p' },
          { type: 'basic', username: '****', password: '****' },
        ],
        ['authorization', { value: 'Token abc' }, { type: 'authorization', value: '****' }],
        [
          'oauth',
          { access_token: 'a', scopes: ['read'], token_url: 'https://auth.example.com/token' },
          { type: 'oauth', access_token: '****', scopes: '****', token_url: '****' },
        ],
      ];
      for (const [authType, credentials, masked] of shapes) {
        const res = await t.request('POST', '/v1/mcp/server', {
          key: admin,
          body: { ...base(), auth_type: authType, credentials },
        });
        expect({ authType, status: res.status }).toEqual({ authType, status: 201 });
        expect(res.body.credentials).toEqual(masked);
        expect(res.body.has_credentials).toBe(true);
      }
    });
  });

  describe('uniqueness', () => {
    it('answers 409 for a duplicate name (any case), alias or server_id in the organization', async () => {
      const first = await t.request('POST', '/v1/mcp/server', {
        key: admin,
        body: {
          server_id: `dup-${unique()}`,
          server_name: 'GitHub',
          alias: 'gh',
          url: 'https://a.example.com',
        },
      });
      expect(first.status).toBe(201);

      const sameName = await t.request('POST', '/v1/mcp/server', {
        key: admin,
        body: { server_name: 'github', alias: 'other', url: 'https://b.example.com' },
      });
      expect(sameName.status).toBe(409);
      expect(sameName.body.error).toMatchObject({
        code: 'CONFLICT',
        details: { fields: [{ field: 'server_name' }] },
      });

      const sameAlias = await t.request('POST', '/v1/mcp/server', {
        key: admin,
        body: { server_name: 'GitHub Two', alias: 'GH', url: 'https://b.example.com' },
      });
      expect(sameAlias.status).toBe(409);
      expect(sameAlias.body.error.details.fields[0].field).toBe('alias');

      const sameId = await t.request('POST', '/v1/mcp/server', {
        key: admin,
        body: {
          server_id: first.body.server_id,
          server_name: 'Other',
          url: 'https://b.example.com',
        },
      });
      expect(sameId.status).toBe(409);
      expect(sameId.body.error.details.fields[0].field).toBe('server_id');
    });

    it('answers 409 when a PUT renames onto another server, and allows keeping its own name', async () => {
      const a = await t.request('POST', '/v1/mcp/server', {
        key: admin,
        body: { server_name: 'Alpha', url: 'https://a.example.com' },
      });
      const b = await t.request('POST', '/v1/mcp/server', {
        key: admin,
        body: { server_name: 'Beta', url: 'https://b.example.com' },
      });
      const clash = await t.request('PUT', '/v1/mcp/server', {
        key: admin,
        body: {
          server_id: b.body.server_id,
          server_name: 'ALPHA',
          alias: 'beta',
          url: 'https://b.example.com',
        },
      });
      expect(clash.status).toBe(409);
      expect(clash.body.error.details.fields[0].field).toBe('server_name');
      const same = await t.request('PUT', '/v1/mcp/server', {
        key: admin,
        body: { server_id: a.body.server_id, server_name: 'alpha', url: 'https://a2.example.com' },
      });
      expect(same.status).toBe(202);
      expect(same.body.server_name).toBe('alpha');
    });

    it('lets two organizations use the same name and alias', async () => {
      const otherOrg = (await createOrg(t)).organization_id;
      const otherAdmin = (await createKey(t, { organizationId: otherOrg, role: 'org_admin' })).key;
      const body = { server_name: 'Shared Name', alias: 'shared', url: 'https://a.example.com' };
      expect((await t.request('POST', '/v1/mcp/server', { key: admin, body })).status).toBe(201);
      expect((await t.request('POST', '/v1/mcp/server', { key: otherAdmin, body })).status).toBe(
        201,
      );
    });
  });

  describe('who may write', () => {
    it('lets only admins write; platform admins must name the organization', async () => {
      const body = { server_name: `Roles ${unique()}`, url: 'https://a.example.com' };
      for (const role of ['member', 'viewer', 'service', 'health_monitor'] as const) {
        const key = (await createKey(t, { organizationId: orgId, role })).key;
        const res = await t.request('POST', '/v1/mcp/server', { key, body });
        expect({ role, status: res.status }).toEqual({ role, status: 403 });
      }
      const missingOrg = await t.request('POST', '/v1/mcp/server', { body });
      expect(missingOrg.status).toBe(400);
      expect(missingOrg.body.error.details.fields[0].field).toBe('organization_id');
      const unknownOrg = await t.request('POST', '/v1/mcp/server', {
        body: { ...body, organization_id: 'org_doesnotexist' },
      });
      expect(unknownOrg.status).toBe(404);
      const platform = await t.request('POST', '/v1/mcp/server', {
        body: { ...body, organization_id: orgId },
      });
      expect(platform.status).toBe(201);
      expect(platform.body.organization_id).toBe(orgId);
    });

    it('answers 403 for a create and 404 for a replace or delete naming another organization', async () => {
      const otherOrg = (await createOrg(t)).organization_id;
      const otherAdmin = (await createKey(t, { organizationId: otherOrg, role: 'org_admin' })).key;
      const created = await t.request('POST', '/v1/mcp/server', {
        key: otherAdmin,
        body: { server_name: 'Theirs', url: 'https://a.example.com' },
      });
      const id = created.body.server_id;

      const create = await t.request('POST', '/v1/mcp/server', {
        key: admin,
        body: { server_name: 'Mine', url: 'https://a.example.com', organization_id: otherOrg },
      });
      expect(create.status).toBe(403);
      const put = await t.request('PUT', '/v1/mcp/server', {
        key: admin,
        body: {
          server_id: id,
          server_name: 'Taken over',
          url: 'https://a.example.com',
          organization_id: otherOrg,
        },
      });
      expect(put.status).toBe(404);
      const putOwnOrg = await t.request('PUT', '/v1/mcp/server', {
        key: admin,
        body: { server_id: id, server_name: 'Taken over', url: 'https://a.example.com' },
      });
      expect(putOwnOrg.status).toBe(404);
      expect((await t.request('DELETE', `/v1/mcp/server/${id}`, { key: admin })).status).toBe(404);
      expect(
        (
          await t.request('DELETE', `/v1/mcp/server/${id}?organization_id=${otherOrg}`, {
            key: admin,
          })
        ).status,
      ).toBe(404);
      const still = await t.request('GET', `/v1/mcp/server/${id}`, { key: otherAdmin });
      expect(still.body.server_name).toBe('Theirs');
    });
  });

  describe('ETags and concurrency', () => {
    it('answers If-None-Match with 304 until the server changes', async () => {
      const created = await t.request('POST', '/v1/mcp/server', {
        key: admin,
        body: { server_name: 'Cached', url: 'https://a.example.com' },
      });
      const path = `/v1/mcp/server/${created.body.server_id}`;
      const first = await t.request('GET', path, { key: admin });
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"v1\./);
      expect(created.headers.get('etag')).toBe(etag);

      const cached = await t.request('GET', path, {
        key: admin,
        headers: { 'if-none-match': etag },
      });
      expect(cached.status).toBe(304);
      expect(cached.text).toBe('');
      expect(cached.headers.get('etag')).toBe(etag);

      await t.request('PUT', '/v1/mcp/server', {
        key: admin,
        body: {
          server_id: created.body.server_id,
          server_name: 'Cached',
          url: 'https://b.example.com',
        },
      });
      const changed = await t.request('GET', path, {
        key: admin,
        headers: { 'if-none-match': etag },
      });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).toMatch(/^"v2\./);

      // A health result changes the body, hence the ETag, without a write through the API.
      await t.dataSource.query("UPDATE mcp_servers SET status = 'healthy' WHERE server_id = ?", [
        created.body.server_id,
      ]);
      const probed = await t.request('GET', path, {
        key: admin,
        headers: { 'if-none-match': changed.headers.get('etag')! },
      });
      expect(probed.status).toBe(200);
      expect(probed.body.status).toBe('healthy');
    });

    it('answers If-None-Match on the list with 304 until the list changes', async () => {
      await t.request('POST', '/v1/mcp/server', {
        key: admin,
        body: { server_name: 'L1', url: 'https://a.example.com' },
      });
      const first = await t.request('GET', '/v1/mcp/server', { key: admin });
      const etag = first.headers.get('etag')!;
      const cached = await t.request('GET', '/v1/mcp/server', {
        key: admin,
        headers: { 'if-none-match': etag },
      });
      expect(cached.status).toBe(304);
      await t.request('POST', '/v1/mcp/server', {
        key: admin,
        body: { server_name: 'L2', url: 'https://a.example.com' },
      });
      const changed = await t.request('GET', '/v1/mcp/server', {
        key: admin,
        headers: { 'if-none-match': etag },
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toHaveLength(2);
    });

    it('answers 412 to a PUT whose If-Match is stale, and 202 to a current one', async () => {
      const created = await t.request('POST', '/v1/mcp/server', {
        key: admin,
        body: { server_name: 'Guarded', url: 'https://a.example.com' },
      });
      const etag = created.headers.get('etag')!;
      const body = {
        server_id: created.body.server_id,
        server_name: 'Guarded',
        url: 'https://b.example.com',
      };
      const ok = await t.request('PUT', '/v1/mcp/server', {
        key: admin,
        body,
        headers: { 'if-match': etag },
      });
      expect(ok.status).toBe(202);
      const stale = await t.request('PUT', '/v1/mcp/server', {
        key: admin,
        body: { ...body, url: 'https://c.example.com' },
        headers: { 'if-match': etag },
      });
      expect(stale.status).toBe(412);
      expect(stale.body.error.code).toBe('PRECONDITION_FAILED');
      const star = await t.request('PUT', '/v1/mcp/server', {
        key: admin,
        body,
        headers: { 'if-match': '*' },
      });
      expect(star.status).toBe(202);
    });

    it('lets exactly one of two PUTs with the same If-Match win, losing no update', async () => {
      const created = await t.request('POST', '/v1/mcp/server', {
        key: admin,
        body: { server_name: 'Raced', url: 'https://a.example.com' },
      });
      const etag = created.headers.get('etag')!;
      const put = (description: string) =>
        t.request('PUT', '/v1/mcp/server', {
          key: admin,
          body: {
            server_id: created.body.server_id,
            server_name: 'Raced',
            url: 'https://a.example.com',
            description,
          },
          headers: { 'if-match': etag },
        });
      const results = await Promise.all([put('first'), put('second')]);
      expect(results.map((r) => r.status).sort()).toEqual([202, 412]);
      const winner = results.find((r) => r.status === 202)!;
      const now = await t.request('GET', `/v1/mcp/server/${created.body.server_id}`, {
        key: admin,
      });
      expect(now.body.description).toBe(winner.body.description);
      expect(now.headers.get('etag')).toMatch(/^"v2\./);
    });
  });

  describe('delete', () => {
    it('removes the server and every row referencing it', async () => {
      const body = {
        ...seedSseBody(unique()),
        mcp_access_groups: ['a', 'b'],
        auth_type: 'bearer_token',
        credentials: { token: 'tok' },
      };
      const created = await t.request('POST', '/v1/mcp/server', { key: admin, body });
      expect(created.status).toBe(201);
      await t.dataSource.query(
        "UPDATE mcp_servers SET discovered_tools = ?, status = 'healthy' WHERE server_id = ?",
        [JSON.stringify([{ name: 'search', description: 'Search' }]), body.server_id],
      );
      const removed = await t.request('DELETE', `/v1/mcp/server/${body.server_id}`, { key: admin });
      expect(removed.status).toBe(202);
      const servers = await t.dataSource.query(
        'SELECT COUNT(*) AS n FROM mcp_servers WHERE server_id = ?',
        [body.server_id],
      );
      const groups = await t.dataSource.query(
        'SELECT COUNT(*) AS n FROM mcp_server_access_groups WHERE server_id = ?',
        [body.server_id],
      );
      expect(Number(servers[0].n)).toBe(0);
      expect(Number(groups[0].n)).toBe(0);
      expect(
        (await t.request('GET', `/v1/mcp/server/${body.server_id}`, { key: admin })).status,
      ).toBe(404);
      expect(
        (await t.request('GET', `/v1/mcp/server/${body.server_id}/tools`, { key: admin })).status,
      ).toBe(404);
      expect(
        (await t.request('DELETE', `/v1/mcp/server/${body.server_id}`, { key: admin })).status,
      ).toBe(404);
    });

    it('lets the id be registered again after a delete', async () => {
      const body = seedSseBody(unique());
      await t.request('POST', '/v1/mcp/server', { key: admin, body });
      await t.request('DELETE', `/v1/mcp/server/${body.server_id}`, { key: admin });
      expect((await t.request('POST', '/v1/mcp/server', { key: admin, body })).status).toBe(201);
    });

    it('lets a platform admin delete by id alone', async () => {
      const body = seedSseBody(unique());
      await t.request('POST', '/v1/mcp/server', { key: admin, body });
      expect((await t.request('DELETE', `/v1/mcp/server/${body.server_id}`)).status).toBe(202);
    });
  });

  describe('audit', () => {
    it('records create, update and delete with the actor and no secret', async () => {
      const body = { ...seedSseBody(unique()), env: { TOKEN: 'audit-secret-env' } };
      await t.request('POST', '/v1/mcp/server', { key: admin, body });
      await t.request('PUT', '/v1/mcp/server', { key: admin, body: { ...body, description: 'x' } });
      await t.request('DELETE', `/v1/mcp/server/${body.server_id}`, { key: admin });
      const events = await t.dataSource.query(
        "SELECT action, actor_user_id, organization_id, changes FROM audit_events WHERE resource_type = 'mcp_server' AND resource_id = ? ORDER BY created_at, id",
        [body.server_id],
      );
      expect(events.map((e: { action: string }) => e.action).sort()).toEqual([
        'mcp_server.create',
        'mcp_server.delete',
        'mcp_server.update',
      ]);
      for (const event of events) {
        expect(event.actor_user_id).toBe('usr_seedadmin');
        expect(event.organization_id).toBe(orgId);
        expect(String(event.changes)).not.toContain('audit-secret-env');
      }
    });
  });

  describe('tools', () => {
    it('returns the last discovered tools, limited to allowed_tools', async () => {
      const created = await t.request('POST', '/v1/mcp/server', {
        key: admin,
        body: {
          server_name: 'Tools',
          url: 'https://a.example.com',
          allowed_tools: ['search', 'missing'],
        },
      });
      const id = created.body.server_id;
      const never = await t.request('GET', `/v1/mcp/server/${id}/tools`, { key: admin });
      expect(never.body).toEqual({
        server_id: id,
        tools: [],
        withheld_tools: [],
        tools_drift: null,
        last_health_check: null,
      });

      await t.dataSource.query(
        'UPDATE mcp_servers SET discovered_tools = ?, last_health_check = ? WHERE server_id = ?',
        [
          JSON.stringify([
            { name: 'search', description: 'Search things' },
            { name: 'delete_all', description: 'Dangerous' },
          ]),
          '2025-08-10 15:27:35.211',
          id,
        ],
      );
      const res = await t.request('GET', `/v1/mcp/server/${id}/tools`, { key: admin });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        server_id: id,
        tools: [{ name: 'search', description: 'Search things' }],
        // Discovered without a fingerprinting probe (no snapshot): nothing known to differ.
        withheld_tools: [],
        tools_drift: null,
        last_health_check: '2025-08-10T15:27:35.211Z',
      });
    });
  });
});
