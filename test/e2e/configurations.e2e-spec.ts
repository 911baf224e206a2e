import { randomBytes } from 'node:crypto';
import { createKey, createOrg } from '../support/factories';
import type { HttpResult, RequestOptions, TestApp } from '../support/test-app';
import { startTestApp } from '../support/test-app';

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const MCP_ID = /^mcp_[0-9a-f]{32}$/;

/** Every credential value a test sends; none may show up in a response (but /credentials) or a log. */
const secrets = new Set<string>();
function secret(label: string): string {
  const value = `${label}_${randomBytes(12).toString('hex')}`;
  secrets.add(value);
  return value;
}

function leakedSecrets(text: string): string[] {
  return [...secrets].filter((value) => text.includes(value));
}

describe('custom MCP configurations', () => {
  let t: TestApp;
  const responses: { path: string; text: string }[] = [];

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  afterEach(() => {
    const leaks = responses
      .filter((r) => !/\/credentials$/.test(r.path))
      .flatMap((r) => leakedSecrets(r.text).map(() => r.path));
    responses.length = 0;
    expect(leaks).toEqual([]);
    expect(leakedSecrets(t.logs.join('\n'))).toEqual([]);
  });

  async function call(method: string, path: string, options?: RequestOptions): Promise<HttpResult> {
    const res = await t.request(method, path, options);
    responses.push({ path: path.split('?')[0], text: res.text });
    return res;
  }

  async function orgWithKeys() {
    const org = await createOrg(t);
    const organizationId = org.organization_id;
    const [admin, member, otherMember, viewer, service] = await Promise.all(
      (['org_admin', 'member', 'member', 'viewer', 'service'] as const).map((role) =>
        createKey(t, { organizationId, role }),
      ),
    );
    return { organizationId, admin, member, otherMember, viewer, service };
  }

  function body(organizationId: string, overrides: Record<string, unknown> = {}) {
    return {
      name: `Config ${randomBytes(4).toString('hex')}`,
      server_url: 'https://mcp.example.com/mcp',
      transport_type: 'streamable_http',
      auth_type: 'bearer_token',
      organization_id: organizationId,
      credentials: { type: 'bearer', token: secret('tok') },
      ...overrides,
    };
  }

  async function create(key: string, payload: Record<string, unknown>) {
    const res = await call('POST', '/v1/mcp-configurations', { key, body: payload });
    if (res.status !== 201) throw new Error(`create answered ${res.status}: ${res.text}`);
    return res.body;
  }

  async function rawRow(id: string): Promise<Record<string, unknown>> {
    const [row] = await t.dataSource.query('SELECT * FROM mcp_configurations WHERE id = ?', [id]);
    return row;
  }

  describe('seed 000 replay', () => {
    it('creates the seed body (curl, Python and JavaScript forms) with the seed response fields and types', async () => {
      const created = await call('POST', '/v1/organizations', {
        body: { name: 'Seed org', organization_id: 'org_xyz789' },
      });
      expect(created.status).toBe(201);
      const key = await createKey(t, { organizationId: 'org_xyz789', role: 'member' });

      const curlBody = `{
  "name": "Production GitHub",
  "server_url": "https://mcp.github.example.com",
  "transport_type": "sse",
  "auth_type": "bearer_token",
  "organization_id": "org_xyz789",
  "credentials": {
    "type": "bearer",
    "token": "ghp_YOUR_TOKEN_HERE"
  },
  "tool_configuration": {
    "enabled": true,
    "allowed_tools": ["search_code", "create_issue"]
  }
}`;
      secrets.add('ghp_YOUR_TOKEN_HERE');
      const githubToken = secret('ghp');
      const sdkBody = {
        name: 'Production GitHub',
        server_url: 'https://mcp.github.example.com',
        transport_type: 'sse',
        auth_type: 'bearer_token',
        organization_id: 'org_xyz789',
        credentials: { type: 'bearer', token: githubToken },
        tool_configuration: { enabled: true, allowed_tools: ['search_code', 'create_issue'] },
      };
      const forms: { label: string; options: RequestOptions; token: string }[] = [
        {
          label: 'curl',
          token: 'ghp_YOUR_TOKEN_HERE',
          options: { rawBody: curlBody, headers: { 'content-type': 'application/json' } },
        },
        // requests' json= and fetch's JSON.stringify send the same JSON document.
        { label: 'python', token: githubToken, options: { body: sdkBody } },
        {
          label: 'javascript',
          token: githubToken,
          options: {
            rawBody: JSON.stringify(sdkBody),
            headers: { 'Content-Type': 'application/json' },
          },
        },
      ];

      for (const form of forms) {
        const res = await call('POST', '/v1/mcp-configurations', { key: key.key, ...form.options });
        expect({ form: form.label, status: res.status }).toEqual({ form: form.label, status: 201 });
        const mcp = res.body;
        const expectedTypes: Record<string, string> = {
          id: 'string',
          name: 'string',
          type: 'string',
          organization_id: 'string',
          userId: 'string',
          server_url: 'string',
          transportType: 'string',
          authType: 'string',
          isActive: 'boolean',
          connectionStatus: 'string',
          lastConnectedAt: 'null',
          errorMessage: 'null',
          created_at: 'string',
          updated_at: 'string',
        };
        for (const [field, type] of Object.entries(expectedTypes)) {
          expect({ field, type: mcp[field] === null ? 'null' : typeof mcp[field] }).toEqual({
            field,
            type,
          });
        }
        expect(mcp).toMatchObject({
          name: 'Production GitHub',
          type: 'custom',
          organization_id: 'org_xyz789',
          userId: key.user_id,
          server_url: 'https://mcp.github.example.com',
          transportType: 'sse',
          authType: 'bearer_token',
          isActive: true,
          connectionStatus: 'disconnected',
          lastConnectedAt: null,
          errorMessage: null,
          tool_configuration: { enabled: true, allowed_tools: ['search_code', 'create_issue'] },
          has_credentials: true,
        });
        expect(mcp.id).toMatch(MCP_ID);
        expect(mcp.created_at).toMatch(ISO_MS);
        expect(mcp.updated_at).toMatch(ISO_MS);
        expect(mcp).not.toHaveProperty('credentials');
        expect(res.text).not.toContain(form.token);

        // The seed reuses one name, so each replay frees it for the next (soft delete).
        expect(
          (await call('DELETE', `/v1/mcp-configurations/${mcp.id}`, { key: key.key })).status,
        ).toBe(204);
      }
    });

    it("answers an invalid body with the seed's 400 envelope, naming the field", async () => {
      const { organizationId, member } = await orgWithKeys();
      const res = await call('POST', '/v1/mcp-configurations', {
        key: member.key,
        body: body(organizationId, { server_url: 'http://mcp.example.com' }),
        headers: { 'x-request-id': 'req_seed400' },
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        success: false,
        error: {
          code: 'VALIDATION_ERROR',
          message: 'Invalid request parameters',
          system_message: 'Validation failed',
          type: 'validation_error',
          status: 400,
          details: {
            fields: [{ field: 'server_url', message: expect.stringMatching(/HTTPS URL/) }],
          },
          trace_id: 'req_seed400',
          timestamp: expect.stringMatching(ISO_MS),
        },
      });
    });
  });

  describe('validation', () => {
    it.each([
      ['name', { name: 'x'.repeat(129) }],
      ['name', { name: '' }],
      ['server_url', { server_url: 'ftp://mcp.example.com' }],
      ['server_url', { server_url: `https://mcp.example.com/${'a'.repeat(2048)}` }],
      ['server_url', { server_url: 'https://user:pass@mcp.example.com' }],
      ['transport_type', { transport_type: 'websocket' }],
      ['auth_type', { auth_type: 'basic' }],
      ['organization_id', { organization_id: 'acme' }],
      ['unexpected', { unexpected: true }],
      ['tool_configuration.enabled', { tool_configuration: { allowed_tools: [] } }],
      ['tool_configuration.extra', { tool_configuration: { enabled: true, extra: 1 } }],
      [
        'tool_configuration.allowed_tools',
        { tool_configuration: { enabled: true, allowed_tools: ['t'.repeat(129)] } },
      ],
      ['tool_configuration', { tool_configuration: ['search_code'] }],
      ['credentials', { credentials: 'token' }],
    ])('refuses an invalid %s with 400 naming it', async (field, overrides) => {
      const { organizationId, member } = await orgWithKeys();
      const res = await call('POST', '/v1/mcp-configurations', {
        key: member.key,
        body: body(organizationId, overrides),
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    });

    const credentialCases: {
      authType: string;
      valid: Record<string, unknown> | undefined;
      stored: (valid: Record<string, unknown>) => Record<string, unknown> | null;
      invalid: Record<string, unknown> | undefined;
      field: string;
    }[] = [
      {
        authType: 'none',
        valid: undefined,
        stored: () => null,
        invalid: { token: 'not-allowed' },
        field: 'credentials.token',
      },
      {
        authType: 'bearer_token',
        valid: { type: 'bearer', token: secret('bearer') },
        stored: (valid) => valid,
        invalid: { type: 'bearer' },
        field: 'credentials.token',
      },
      {
        authType: 'api_key',
        valid: { api_key: secret('apikey') },
        stored: (valid) => ({ type: 'api_key', header_name: 'X-API-Key', ...valid }),
        invalid: { type: 'api_key', api_key: 'k', header_name: 'Not A Header' },
        field: 'credentials.header_name',
      },
      {
        authType: 'oauth',
        valid: {
          type: 'oauth',
          access_token: secret('access'),
          refresh_token: secret('refresh'),
          expires_at: '2030-01-01T00:00:00.000Z',
          token_url: 'https://auth.example.com/token',
          client_id: 'client-1',
          client_secret: secret('clientsecret'),
          scopes: ['repo', 'read:org'],
        },
        stored: (valid) => valid,
        invalid: { type: 'oauth', access_token: 'a', password: 'x' },
        field: 'credentials.password',
      },
    ];

    it.each(credentialCases)(
      'accepts valid and refuses invalid credentials for auth_type $authType',
      async ({ authType, valid, stored, invalid, field }) => {
        const { organizationId, member, service } = await orgWithKeys();
        const payload = body(organizationId, { auth_type: authType, credentials: valid });
        if (valid === undefined) delete (payload as Record<string, unknown>).credentials;
        const mcp = await create(member.key, payload);
        expect(mcp.authType).toBe(authType);
        expect(mcp.has_credentials).toBe(valid !== undefined);

        const read = await call('GET', `/v1/mcp-configurations/${mcp.id}/credentials`, {
          key: service.key,
        });
        expect(read.status).toBe(200);
        expect(read.body).toEqual({
          id: mcp.id,
          organization_id: organizationId,
          auth_type: authType,
          credentials: valid === undefined ? null : stored(valid),
        });

        const bad = await call('POST', '/v1/mcp-configurations', {
          key: member.key,
          body: body(organizationId, { auth_type: authType, credentials: invalid }),
        });
        expect(bad.status).toBe(400);
        expect(bad.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(
          field,
        );
      },
    );

    it('requires credentials for every auth_type but none', async () => {
      const { organizationId, member } = await orgWithKeys();
      for (const authType of ['bearer_token', 'api_key', 'oauth']) {
        const payload: Record<string, unknown> = body(organizationId, { auth_type: authType });
        delete payload.credentials;
        const res = await call('POST', '/v1/mcp-configurations', {
          key: member.key,
          body: payload,
        });
        expect(res.status).toBe(400);
        expect(res.body.error.details.fields[0].field).toBe('credentials');
      }
      const empty = await create(
        member.key,
        body(organizationId, { auth_type: 'none', credentials: {} }),
      );
      expect(empty.has_credentials).toBe(false);
      expect(empty.tool_configuration).toEqual({ enabled: false, allowed_tools: [] });
    });
  });

  describe('names', () => {
    it('keeps names unique per organization, case-insensitively, across create and rename', async () => {
      const a = await orgWithKeys();
      const b = await orgWithKeys();
      const first = await create(a.member.key, body(a.organizationId, { name: 'GitHub' }));
      const dup = await call('POST', '/v1/mcp-configurations', {
        key: a.admin.key,
        body: body(a.organizationId, { name: 'github' }),
      });
      expect(dup.status).toBe(409);
      expect(dup.body.error).toMatchObject({ code: 'CONFLICT', type: 'conflict_error' });
      await create(b.member.key, body(b.organizationId, { name: 'GitHub' }));

      const second = await create(a.member.key, body(a.organizationId, { name: 'GitLab' }));
      const rename = await call('PATCH', `/v1/mcp-configurations/${second.id}`, {
        key: a.member.key,
        body: { name: 'GITHUB' },
      });
      expect(rename.status).toBe(409);
      const recase = await call('PATCH', `/v1/mcp-configurations/${first.id}`, {
        key: a.member.key,
        body: { name: 'Github' },
      });
      expect(recase.status).toBe(200);
      expect(recase.body.name).toBe('Github');
    });
  });

  describe('updates', () => {
    it('replaces credentials on PATCH, seals them again, and audits without the secret', async () => {
      const { organizationId, member, admin } = await orgWithKeys();
      const oldToken = secret('old');
      const mcp = await create(
        member.key,
        body(organizationId, { credentials: { token: oldToken } }),
      );
      const newToken = secret('new');
      const res = await call('PATCH', `/v1/mcp-configurations/${mcp.id}`, {
        key: member.key,
        body: { credentials: { type: 'bearer', token: newToken }, is_active: false },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: mcp.id, isActive: false, has_credentials: true });
      expect(res.body.updated_at >= mcp.updated_at).toBe(true);

      const read = await call('GET', `/v1/mcp-configurations/${mcp.id}/credentials`, {
        key: admin.key,
      });
      expect(read.body.credentials).toEqual({ type: 'bearer', token: newToken });
      const row = await rawRow(mcp.id);
      expect(JSON.stringify(row)).not.toContain(newToken);
      expect(JSON.stringify(row)).not.toContain(oldToken);

      const events: { action: string; changes: string | null; actor_key_id: string }[] =
        await t.dataSource.query(
          'SELECT action, changes, actor_key_id FROM audit_events WHERE resource_id = ? ORDER BY created_at, id',
          [mcp.id],
        );
      expect(events.map((e) => e.action)).toEqual([
        'mcp_configuration.create',
        'mcp_configuration.update',
        'mcp_configuration.credentials.read',
      ]);
      expect(JSON.parse(events[1].changes!)).toEqual({
        is_active: false,
        credentials: '(changed)',
      });
      expect(events[2].actor_key_id).toBe(admin.key_id);
      expect(leakedSecrets(JSON.stringify(events))).toEqual([]);
    });

    it('changes auth_type only together with matching credentials; none removes them', async () => {
      const { organizationId, member, admin } = await orgWithKeys();
      const mcp = await create(member.key, body(organizationId));
      const path = `/v1/mcp-configurations/${mcp.id}`;

      const missing = await call('PATCH', path, {
        key: member.key,
        body: { auth_type: 'api_key' },
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error.details.fields[0].field).toBe('credentials');

      const mismatched = await call('PATCH', path, {
        key: member.key,
        body: { auth_type: 'api_key', credentials: { token: 'wrong-shape' } },
      });
      expect(mismatched.status).toBe(400);
      expect(mismatched.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(
        expect.arrayContaining(['credentials.api_key', 'credentials.token']),
      );

      const apiKey = secret('key');
      const switched = await call('PUT', path, {
        key: member.key,
        body: {
          auth_type: 'api_key',
          credentials: { api_key: apiKey, header_name: 'X-Custom-Key' },
          transport_type: 'sse',
          server_url: 'https://other.example.com/sse',
          tool_configuration: { enabled: true, allowed_tools: ['echo'] },
        },
      });
      expect(switched.status).toBe(200);
      expect(switched.body).toMatchObject({
        authType: 'api_key',
        transportType: 'sse',
        server_url: 'https://other.example.com/sse',
        tool_configuration: { enabled: true, allowed_tools: ['echo'] },
        has_credentials: true,
        name: mcp.name,
      });
      const read = await call('GET', `${path}/credentials`, { key: admin.key });
      expect(read.body.credentials).toEqual({
        type: 'api_key',
        api_key: apiKey,
        header_name: 'X-Custom-Key',
      });

      const wrongForType = await call('PATCH', path, {
        key: member.key,
        body: { credentials: { token: 'x' } },
      });
      expect(wrongForType.status).toBe(400);

      const none = await call('PATCH', path, { key: member.key, body: { auth_type: 'none' } });
      expect(none.status).toBe(200);
      expect(none.body).toMatchObject({ authType: 'none', has_credentials: false });
      expect((await rawRow(mcp.id)).credentials_sealed).toBeNull();
      const cleared = await call('GET', `${path}/credentials`, { key: admin.key });
      expect(cleared.body.credentials).toBeNull();

      const unknown = await call('PATCH', path, { key: member.key, body: { type: 'registry' } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.details.fields[0].field).toBe('type');
    });

    it('soft-deletes: 404 on every route afterwards, gone from lists, no secret kept, name reusable', async () => {
      const { organizationId, member, admin } = await orgWithKeys();
      const mcp = await create(member.key, body(organizationId, { name: 'Short-lived' }));
      const path = `/v1/mcp-configurations/${mcp.id}`;
      expect((await call('DELETE', path, { key: member.key })).status).toBe(204);

      for (const [method, suffix, payload] of [
        ['GET', '', undefined],
        ['PATCH', '', { is_active: false }],
        ['PUT', '', { is_active: false }],
        ['DELETE', '', undefined],
        ['GET', '/credentials', undefined],
      ] as const) {
        const res = await call(method, `${path}${suffix}`, { key: admin.key, body: payload });
        expect({ method, suffix, status: res.status, code: res.body.error?.code }).toEqual({
          method,
          suffix,
          status: 404,
          code: 'NOT_FOUND',
        });
      }
      const list = await call('GET', '/v1/mcp-configurations', { key: admin.key });
      expect(list.body.configurations.map((c: { id: string }) => c.id)).not.toContain(mcp.id);
      const row = await rawRow(mcp.id);
      expect(row.deleted_at).not.toBeNull();
      expect(row.credentials_sealed).toBeNull();

      const again = await create(member.key, body(organizationId, { name: 'Short-lived' }));
      expect(again.id).not.toBe(mcp.id);
    });
  });

  describe('lists', () => {
    it('pages 120 rows by 50 without duplicates or gaps, with the total', async () => {
      const { organizationId, member, viewer } = await orgWithKeys();
      const ids: string[] = [];
      for (let i = 0; i < 120; i += 1) {
        const payload = body(organizationId, {
          auth_type: 'none',
          name: `Row ${String(i).padStart(3, '0')}`,
        });
        delete (payload as Record<string, unknown>).credentials;
        ids.push((await create(member.key, payload)).id);
      }
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res: HttpResult = await call('GET', `/v1/mcp-configurations${query}`, {
          key: viewer.key,
        });
        expect(res.status).toBe(200);
        expect(res.body.pagination).toMatchObject({ limit: 50, total_count: 120 });
        expect(res.body.pagination.has_more).toBe(res.body.pagination.next_cursor !== null);
        sizes.push(res.body.configurations.length);
        seen.push(...res.body.configurations.map((c: { id: string }) => c.id));
        cursor = res.body.pagination.next_cursor;
      } while (cursor);
      expect(sizes).toEqual([50, 50, 20]);
      expect(new Set(seen).size).toBe(120);
      expect([...seen].sort()).toEqual([...ids].sort());
      // Oldest first: creation order.
      expect(seen).toEqual(ids);

      const explicit = await call(
        'GET',
        `/v1/mcp-configurations?organization_id=${organizationId}&type=custom&limit=5`,
        {
          key: viewer.key,
        },
      );
      expect(explicit.body.configurations).toHaveLength(5);
      expect(explicit.body.pagination.total_count).toBe(120);
    });

    it('filters by is_active and rejects malformed query parameters', async () => {
      const { organizationId, member, admin } = await orgWithKeys();
      const active = await create(member.key, body(organizationId));
      const inactive = await create(member.key, body(organizationId));
      await call('PATCH', `/v1/mcp-configurations/${inactive.id}`, {
        key: member.key,
        body: { is_active: false },
      });

      const onlyInactive = await call('GET', '/v1/mcp-configurations?is_active=false', {
        key: admin.key,
      });
      expect(onlyInactive.body.configurations.map((c: { id: string }) => c.id)).toEqual([
        inactive.id,
      ]);
      expect(onlyInactive.body.pagination).toEqual({
        limit: 50,
        next_cursor: null,
        has_more: false,
        total_count: 1,
      });
      const onlyActive = await call('GET', '/v1/mcp-configurations?is_active=true', {
        key: admin.key,
      });
      expect(onlyActive.body.configurations.map((c: { id: string }) => c.id)).toEqual([active.id]);

      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['limit=101', 'limit'],
        ['cursor=not-a-cursor', 'cursor'],
        ['is_active=maybe', 'is_active'],
        ['type=registry', 'type'],
        ['organization_id=bad', 'organization_id'],
        ['sort=name', 'sort'],
      ]) {
        const res = await call('GET', `/v1/mcp-configurations?${query}`, { key: admin.key });
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(
          field,
        );
      }
    });

    it('lets a platform admin list one organization or all of them', async () => {
      const a = await orgWithKeys();
      const b = await orgWithKeys();
      const inA = await create(a.member.key, body(a.organizationId));
      const inB = await create(b.member.key, body(b.organizationId));

      const onlyA = await call('GET', `/v1/mcp-configurations?organization_id=${a.organizationId}`);
      expect(onlyA.body.configurations.map((c: { id: string }) => c.id)).toEqual([inA.id]);
      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const res: HttpResult = await call(
          'GET',
          `/v1/mcp-configurations?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        all.push(...res.body.configurations.map((c: { id: string }) => c.id));
        cursor = res.body.pagination.next_cursor;
      } while (cursor);
      expect(all).toEqual(expect.arrayContaining([inA.id, inB.id]));

      const missing = await call('GET', '/v1/mcp-configurations?organization_id=org_doesnotexist');
      expect(missing.status).toBe(404);
      const createMissing = await call('POST', '/v1/mcp-configurations', {
        body: body('org_doesnotexist'),
      });
      expect(createMissing.status).toBe(404);
      const adminCreate = await create(t.adminKey, body(a.organizationId));
      expect(adminCreate.organization_id).toBe(a.organizationId);
    });
  });

  describe('isolation and roles', () => {
    it("answers 404 to another organization's key on every route and never lists foreign rows", async () => {
      const a = await orgWithKeys();
      const b = await orgWithKeys();
      const mcp = await create(a.member.key, body(a.organizationId));
      const path = `/v1/mcp-configurations/${mcp.id}`;
      for (const key of [b.admin.key, b.service.key]) {
        for (const [method, suffix, payload] of [
          ['GET', '', undefined],
          ['PATCH', '', { name: 'stolen' }],
          ['PUT', '', { name: 'stolen' }],
          ['DELETE', '', undefined],
          ['GET', '/credentials', undefined],
        ] as const) {
          if (key === b.service.key && method !== 'GET') continue;
          const res = await call(method, `${path}${suffix}`, { key, body: payload });
          expect({ method, suffix, status: res.status }).toEqual({ method, suffix, status: 404 });
        }
      }
      for (const key of [b.admin.key, b.member.key, b.viewer.key, b.service.key]) {
        const list = await call('GET', '/v1/mcp-configurations', { key });
        expect(list.body.configurations.map((c: { id: string }) => c.id)).not.toContain(mcp.id);
        const named = await call(
          'GET',
          `/v1/mcp-configurations?organization_id=${a.organizationId}`,
          { key },
        );
        expect(named.status).toBe(404);
      }
      const foreignCreate = await call('POST', '/v1/mcp-configurations', {
        key: b.member.key,
        body: body(a.organizationId),
      });
      expect(foreignCreate.status).toBe(403);
      expect(foreignCreate.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
      const still = await call('GET', path, { key: a.viewer.key });
      expect(still.status).toBe(200);
      expect(still.body.name).toBe(mcp.name);
    });

    it('lets members change only their own configurations, and org admins any in their organization', async () => {
      const { organizationId, member, otherMember, admin, viewer, service } = await orgWithKeys();
      const mine = await create(member.key, body(organizationId));
      const path = `/v1/mcp-configurations/${mine.id}`;

      for (const [method, payload] of [
        ['PATCH', { is_active: false }],
        ['PUT', { is_active: false }],
        ['DELETE', undefined],
      ] as const) {
        const res = await call(method, path, { key: otherMember.key, body: payload });
        expect({ method, status: res.status }).toEqual({ method, status: 403 });
      }
      const seenByOther = await call('GET', path, { key: otherMember.key });
      expect(seenByOther.status).toBe(200);
      expect(seenByOther.body.userId).toBe(member.user_id);

      for (const key of [viewer.key, service.key]) {
        expect(
          (await call('POST', '/v1/mcp-configurations', { key, body: body(organizationId) }))
            .status,
        ).toBe(403);
        expect((await call('PATCH', path, { key, body: { is_active: false } })).status).toBe(403);
        expect((await call('DELETE', path, { key })).status).toBe(403);
      }
      for (const key of [member.key, otherMember.key, viewer.key]) {
        expect((await call('GET', `${path}/credentials`, { key })).status).toBe(403);
      }

      const byAdmin = await call('PATCH', path, { key: admin.key, body: { is_active: false } });
      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body.userId).toBe(member.user_id);
      expect((await call('DELETE', path, { key: admin.key })).status).toBe(204);
    });
  });

  describe('secrets at rest', () => {
    it('stores only ciphertext bound to the row: a swapped value fails with a bare 500 and a logged row id', async () => {
      const { organizationId, member, admin } = await orgWithKeys();
      const tokenA = secret('rowA');
      const tokenB = secret('rowB');
      const a = await create(member.key, body(organizationId, { credentials: { token: tokenA } }));
      const b = await create(member.key, body(organizationId, { credentials: { token: tokenB } }));

      const rowA = await rawRow(a.id);
      expect(JSON.stringify(rowA)).not.toContain(tokenA);
      expect(String(rowA.credentials_sealed)).toMatch(
        /^v1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
      );
      const rowB = await rawRow(b.id);

      await t.dataSource.query(
        'UPDATE mcp_configurations SET credentials_sealed = ? WHERE id = ?',
        [rowB.credentials_sealed, a.id],
      );
      await t.dataSource.query(
        'UPDATE mcp_configurations SET credentials_sealed = ? WHERE id = ?',
        [rowA.credentials_sealed, b.id],
      );

      const before = t.logs.length;
      const res = await call('GET', `/v1/mcp-configurations/${a.id}/credentials`, {
        key: admin.key,
        headers: { 'x-request-id': 'req_swapped' },
      });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        success: false,
        error: {
          code: 'INTERNAL_ERROR',
          message: 'An internal error occurred',
          system_message: 'Internal server error',
          type: 'server_error',
          status: 500,
          trace_id: 'req_swapped',
          timestamp: expect.stringMatching(ISO_MS),
        },
      });
      expect(res.text).not.toContain(tokenA);
      expect(res.text).not.toContain(tokenB);
      const logs = t.logs.slice(before).join('\n');
      const decryptionLog = t.logs
        .slice(before)
        .map((line) => JSON.parse(line))
        .find((entry) => entry.configuration_id === a.id);
      expect(decryptionLog).toMatchObject({
        trace_id: 'req_swapped',
        reason: 'authentication-failed',
      });
      expect(logs).toContain('req_swapped');
      expect(logs).not.toContain(tokenA);
      expect(logs).not.toContain(tokenB);
      expect(logs).not.toContain(String(rowB.credentials_sealed));

      // The rest of the row still reads.
      expect((await call('GET', `/v1/mcp-configurations/${a.id}`, { key: admin.key })).status).toBe(
        200,
      );
    });
  });
});
