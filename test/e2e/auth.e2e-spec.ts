import { createKey, createOrg, createTeam } from '../support/factories';
import { TestClock } from '../support/clock';
import { startTestApp, TestApp } from '../support/test-app';

describe('authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a request without a key with 401 AUTHENTICATION_REQUIRED', async () => {
    const res = await t.request('GET', '/v1/me', { key: null });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({
      success: false,
      error: { code: 'AUTHENTICATION_REQUIRED', type: 'authentication_error', status: 401 },
    });
    expect(res.body.error.trace_id).toBe(res.headers.get('x-request-id'));
  });

  it('refuses an unknown or malformed key with 401 INVALID_API_KEY', async () => {
    for (const key of [`ak_${'x'.repeat(40)}`, 'not-a-key', 'ak_short']) {
      const res = await t.request('GET', '/v1/me', { key });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('INVALID_API_KEY');
    }
  });

  it('accepts the key as X-API-Key or as Authorization: Bearer', async () => {
    const org = await createOrg(t);
    const member = await createKey(t, { organizationId: org.organization_id, role: 'member' });
    const viaHeader = await t.request('GET', '/v1/me', { key: member.key });
    expect(viaHeader.status).toBe(200);
    const viaBearer = await t.request('GET', '/v1/me', {
      key: null,
      headers: { authorization: `Bearer ${member.key}` },
    });
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body.key_id).toBe(member.key_id);
  });

  it("describes the caller's principal on /v1/me, with team access groups merged in", async () => {
    const org = await createOrg(t);
    const team = await createTeam(t, org.organization_id, ['ops', 'shared']);
    const key = await createKey(t, {
      organizationId: org.organization_id,
      role: 'viewer',
      accessGroups: ['shared', 'billing'],
      teamIds: [team.team_id],
      userId: 'usr_alice01',
    });
    const res = await t.request('GET', '/v1/me', { key: key.key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      key_id: key.key_id,
      key_prefix: key.key.slice(0, 11),
      name: key.name,
      role: 'viewer',
      organization_id: org.organization_id,
      user_id: 'usr_alice01',
      access_groups: ['billing', 'ops', 'shared'],
      team_ids: [team.team_id],
      expires_at: null,
      created_at: key.created_at,
    });
  });

  it('answers /v1/me for a health_monitor key and for the platform admin', async () => {
    const org = await createOrg(t);
    const monitor = await createKey(t, {
      organizationId: org.organization_id,
      role: 'health_monitor',
    });
    const res = await t.request('GET', '/v1/me', { key: monitor.key });
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('health_monitor');
    const admin = await t.request('GET', '/v1/me');
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ role: 'platform_admin', organization_id: null });
    expect(admin.body.user_id).toMatch(/^usr_[0-9a-f]{32}$/);
  });

  it("keeps two apps in one process apart: each knows only its own database's keys", async () => {
    const other = await startTestApp();
    try {
      expect((await other.request('GET', '/v1/me')).status).toBe(200);
      expect((await t.request('GET', '/v1/me')).status).toBe(200);
      const foreign = await other.request('GET', '/v1/me', { key: t.adminKey });
      expect(foreign.status).toBe(401);
      expect(foreign.body.error.code).toBe('INVALID_API_KEY');
      const back = await t.request('GET', '/v1/me', { key: other.adminKey });
      expect(back.status).toBe(401);
      expect(back.body.error.code).toBe('INVALID_API_KEY');
    } finally {
      await other.close();
    }
  });

  it('refuses a role the route does not list with 403 INSUFFICIENT_PERMISSIONS', async () => {
    const org = await createOrg(t);
    const member = await createKey(t, { organizationId: org.organization_id, role: 'member' });
    const res = await t.request('GET', '/v1/api-keys', { key: member.key });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      code: 'INSUFFICIENT_PERMISSIONS',
      type: 'permission_error',
    });
  });
});

describe('API key lifecycle', () => {
  /** Moved forward by the expiry test only (no other key of this block has an expires_at). */
  const clock = new TestClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { clock });
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a key whose secret is shown once and stored only as a hash', async () => {
    const org = await createOrg(t);
    const res = await t.request('POST', '/v1/api-keys', {
      body: {
        name: 'deploy',
        organization_id: org.organization_id,
        role: 'service',
        access_groups: ['b', 'a', 'a'],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'deploy',
      organization_id: org.organization_id,
      role: 'service',
      access_groups: ['a', 'b'],
      team_ids: [],
      expires_at: null,
    });
    expect(res.body.key_id).toMatch(/^key_[0-9a-f]{32}$/);
    expect(res.body.user_id).toMatch(/^usr_[0-9a-f]{32}$/);
    expect(res.body.key).toMatch(/^ak_[A-Za-z0-9_-]{40}$/);
    expect(res.body.key_prefix).toBe(res.body.key.slice(0, 11));
    expect(res.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const rows = await t.dataSource.query('SELECT * FROM api_keys WHERE id = ?', [res.body.key_id]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).not.toContain(res.body.key);
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);

    const read = await t.request('GET', `/v1/api-keys/${res.body.key_id}`);
    expect(read.status).toBe(200);
    expect(read.body.key).toBeUndefined();
    expect(read.text).not.toContain(res.body.key);
    const list = await t.request('GET', `/v1/api-keys?organization_id=${org.organization_id}`);
    expect(list.status).toBe(200);
    expect(list.body.api_keys.map((k: { key_id: string }) => k.key_id)).toEqual([res.body.key_id]);
    expect(list.text).not.toContain(res.body.key);
  });

  it('rotates: the old secret fails at once, the new one works under the same key id', async () => {
    const org = await createOrg(t);
    const key = await createKey(t, { organizationId: org.organization_id, role: 'member' });
    expect((await t.request('GET', '/v1/me', { key: key.key })).status).toBe(200);

    const rotated = await t.request('POST', `/v1/api-keys/${key.key_id}/rotate`);
    expect(rotated.status).toBe(201);
    expect(rotated.body.key_id).toBe(key.key_id);
    expect(rotated.body.key).not.toBe(key.key);
    expect(rotated.body.key_prefix).toBe(rotated.body.key.slice(0, 11));

    const old = await t.request('GET', '/v1/me', { key: key.key });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('INVALID_API_KEY');
    const fresh = await t.request('GET', '/v1/me', { key: rotated.body.key });
    expect(fresh.status).toBe(200);
    expect(fresh.body.key_id).toBe(key.key_id);
  });

  it('revokes: the key answers 401 API_KEY_DEACTIVATED at once, though it was cached', async () => {
    const org = await createOrg(t);
    const key = await createKey(t, { organizationId: org.organization_id, role: 'viewer' });
    expect((await t.request('GET', '/v1/me', { key: key.key })).status).toBe(200);

    const revoked = await t.request('DELETE', `/v1/api-keys/${key.key_id}`);
    expect(revoked.status).toBe(204);
    expect(revoked.text).toBe('');

    const res = await t.request('GET', '/v1/me', { key: key.key });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('API_KEY_DEACTIVATED');

    const read = await t.request('GET', `/v1/api-keys/${key.key_id}`);
    expect(read.body.revoked_at).not.toBeNull();
    expect((await t.request('DELETE', `/v1/api-keys/${key.key_id}`)).status).toBe(204);
    expect((await t.request('POST', `/v1/api-keys/${key.key_id}/rotate`)).status).toBe(409);
  });

  it('expires: a key past its expires_at answers 401 API_KEY_EXPIRED', async () => {
    const org = await createOrg(t);
    const expiresAt = new Date(clock.now() + 60_000);
    const key = await createKey(t, {
      organizationId: org.organization_id,
      role: 'member',
      expiresAt,
    });
    expect(key.expires_at).toBe(expiresAt.toISOString());
    expect((await t.request('GET', '/v1/me', { key: key.key })).status).toBe(200);
    clock.advance(30_000);
    expect((await t.request('GET', '/v1/me', { key: key.key })).status).toBe(200);
    clock.advance(30_000);
    const res = await t.request('GET', '/v1/me', { key: key.key });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('API_KEY_EXPIRED');
  });

  it('refuses an expires_at in the past', async () => {
    const org = await createOrg(t);
    const res = await t.request('POST', '/v1/api-keys', {
      body: {
        name: 'late',
        organization_id: org.organization_id,
        role: 'member',
        expires_at: '2001-01-01T00:00:00.000Z',
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toEqual([
      { field: 'expires_at', message: 'must be in the future' },
    ]);
  });

  it('gives a key the access groups of its teams, and follows team changes at once', async () => {
    const org = await createOrg(t);
    const team = await createTeam(t, org.organization_id, ['alpha']);
    const key = await createKey(t, {
      organizationId: org.organization_id,
      role: 'member',
      teamIds: [team.team_id],
    });
    expect((await t.request('GET', '/v1/me', { key: key.key })).body.access_groups).toEqual([
      'alpha',
    ]);

    const put = await t.request('PUT', `/v1/teams/${team.team_id}`, {
      body: { name: team.name, access_groups: ['beta', 'gamma'] },
    });
    expect(put.status).toBe(200);
    expect(put.body.access_groups).toEqual(['beta', 'gamma']);
    expect((await t.request('GET', '/v1/me', { key: key.key })).body.access_groups).toEqual([
      'beta',
      'gamma',
    ]);

    expect((await t.request('DELETE', `/v1/teams/${team.team_id}`)).status).toBe(204);
    const after = await t.request('GET', '/v1/me', { key: key.key });
    expect(after.body).toMatchObject({ access_groups: [], team_ids: [] });
  });
});

describe('admin routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('documents both security schemes in OpenAPI and marks the admin routes with them', async () => {
    const res = await t.request('GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.components.securitySchemes).sort()).toEqual(['api-key', 'bearer']);
    expect(res.body.paths['/v1/api-keys'].post.security).toEqual(
      expect.arrayContaining([{ 'api-key': [] }, { bearer: [] }]),
    );
    expect(res.body.paths['/v1/me'].get.security).toEqual(
      expect.arrayContaining([{ 'api-key': [] }]),
    );
    expect(res.body.paths['/health/live'].get.security).toBeUndefined();
  });

  it('creates an organization with a generated or chosen id, and 409s a duplicate', async () => {
    const generated = await t.request('POST', '/v1/organizations', { body: { name: 'Acme' } });
    expect(generated.status).toBe(201);
    expect(generated.body).toEqual({
      organization_id: expect.stringMatching(/^org_[0-9a-f]{32}$/),
      name: 'Acme',
      created_at: expect.stringMatching(/Z$/),
      // Issue 16: the namespace of its server names in /v0.1, derived from the id by default.
      registry_namespace: generated.body.organization_id.replace('_', '-'),
      public_catalog: false,
    });
    const chosen = await t.request('POST', '/v1/organizations', {
      body: { name: 'Seed org', organization_id: 'org_xyz789' },
    });
    expect(chosen.status).toBe(201);
    expect(chosen.body.organization_id).toBe('org_xyz789');
    const again = await t.request('POST', '/v1/organizations', {
      body: { name: 'Other', organization_id: 'org_xyz789' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');
    const bad = await t.request('POST', '/v1/organizations', {
      body: { name: 'Bad', organization_id: 'acme', extra: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'extra',
      'organization_id',
    ]);
  });

  it('lists organizations with keyset pagination', async () => {
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push((await createOrg(t)).organization_id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await t.request('GET', `/v1/organizations${query}`);
      expect(page.status).toBe(200);
      expect(page.body.pagination.limit).toBe(2);
      seen.push(
        ...page.body.organizations.map((o: { organization_id: string }) => o.organization_id),
      );
      cursor = page.body.pagination.next_cursor;
      expect(page.body.pagination.has_more).toBe(cursor !== null);
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect((await t.request('GET', '/v1/organizations?cursor=garbage')).status).toBe(400);
  });

  it.each([
    '/v1/organizations',
    '/v1/api-keys',
    '/v1/teams',
    '/v1/audit-events',
    '/v1/mcp-configurations',
    '/v1/mcp/server',
  ])('answers 400 naming cursor for a cursor it did not make on %s', async (path) => {
    const undated = Buffer.from('["yesterday","org_x"]').toString('base64url');
    for (const cursor of ['garbage', undated]) {
      const res = await t.request('GET', `${path}?cursor=${cursor}`);
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields).toEqual([expect.objectContaining({ field: 'cursor' })]);
    }
  });

  it('deletes an organization with its keys and teams; its keys stop working at once', async () => {
    const org = await createOrg(t);
    const team = await createTeam(t, org.organization_id, ['x']);
    const key = await createKey(t, { organizationId: org.organization_id, role: 'org_admin' });
    expect((await t.request('GET', '/v1/me', { key: key.key })).status).toBe(200);
    const res = await t.request('DELETE', `/v1/organizations/${org.organization_id}`);
    expect(res.status).toBe(204);
    expect((await t.request('GET', `/v1/organizations/${org.organization_id}`)).status).toBe(404);
    expect((await t.request('GET', `/v1/teams/${team.team_id}`)).status).toBe(404);
    expect((await t.request('GET', `/v1/api-keys/${key.key_id}`)).status).toBe(404);
    expect((await t.request('GET', '/v1/me', { key: key.key })).status).toBe(401);
    expect((await t.request('DELETE', `/v1/organizations/${org.organization_id}`)).status).toBe(
      404,
    );
  });

  it('lets an org_admin manage keys and teams of its own organization', async () => {
    const org = await createOrg(t);
    const admin = await createKey(t, { organizationId: org.organization_id, role: 'org_admin' });
    const team = await t.request('POST', '/v1/teams', {
      key: admin.key,
      body: { name: 'Platform', access_groups: ['infra'] },
    });
    expect(team.status).toBe(201);
    expect(team.body).toMatchObject({
      team_id: expect.stringMatching(/^team_[0-9a-f]{32}$/),
      name: 'Platform',
      organization_id: org.organization_id,
      access_groups: ['infra'],
    });
    const key = await t.request('POST', '/v1/api-keys', {
      key: admin.key,
      body: { name: 'dev', role: 'member', team_ids: [team.body.team_id], user_id: 'usr_bob42' },
    });
    expect(key.status).toBe(201);
    expect(key.body).toMatchObject({
      organization_id: org.organization_id,
      user_id: 'usr_bob42',
      team_ids: [team.body.team_id],
    });
    const keys = await t.request('GET', '/v1/api-keys', { key: admin.key });
    expect(keys.body.api_keys.map((k: { key_id: string }) => k.key_id).sort()).toEqual(
      [admin.key_id, key.body.key_id].sort(),
    );
    const teams = await t.request('GET', '/v1/teams', { key: admin.key });
    expect(teams.body.teams).toEqual([team.body]);
  });

  it('refuses platform_admin keys to anyone but a platform admin', async () => {
    const org = await createOrg(t);
    const admin = await createKey(t, { organizationId: org.organization_id, role: 'org_admin' });
    const res = await t.request('POST', '/v1/api-keys', {
      key: admin.key,
      body: { name: 'root', role: 'platform_admin' },
    });
    expect(res.status).toBe(403);
    const platform = await t.request('POST', '/v1/api-keys', {
      body: { name: 'root 2', role: 'platform_admin' },
    });
    expect(platform.status).toBe(201);
    expect(platform.body.organization_id).toBeNull();
    const me = await t.request('GET', '/v1/me', { key: platform.body.key });
    expect(me.body.role).toBe('platform_admin');
    const withOrg = await t.request('POST', '/v1/api-keys', {
      body: { name: 'root 3', role: 'platform_admin', organization_id: org.organization_id },
    });
    expect(withOrg.status).toBe(400);
  });

  it('validates key fields: role, ids, access groups and teams of the organization', async () => {
    const org = await createOrg(t);
    const other = await createOrg(t);
    const foreignTeam = await createTeam(t, other.organization_id, []);
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'k', organization_id: org.organization_id, role: 'owner' }, 'role'],
      [{ name: 'k', organization_id: 'acme', role: 'member' }, 'organization_id'],
      [
        { name: 'k', organization_id: org.organization_id, role: 'member', user_id: 'bob' },
        'user_id',
      ],
      [
        { name: 'k', organization_id: org.organization_id, role: 'member', access_groups: ['a b'] },
        'access_groups',
      ],
      [
        {
          name: 'k',
          organization_id: org.organization_id,
          role: 'member',
          access_groups: ['x'.repeat(129)],
        },
        'access_groups',
      ],
      [
        {
          name: 'k',
          organization_id: org.organization_id,
          role: 'member',
          team_ids: [foreignTeam.team_id],
        },
        'team_ids',
      ],
      [{ name: '', organization_id: org.organization_id, role: 'member' }, 'name'],
      [{ name: 'k', role: 'member' }, 'organization_id'],
    ];
    for (const [body, field] of cases) {
      const res = await t.request('POST', '/v1/api-keys', { body });
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    const missingOrg = await t.request('POST', '/v1/api-keys', {
      body: { name: 'k', role: 'member', organization_id: 'org_doesnotexist' },
    });
    expect(missingOrg.status).toBe(404);
  });

  it('keeps team names unique per organization (409), case-insensitively', async () => {
    const org = await createOrg(t);
    const other = await createOrg(t);
    await createTeam(t, org.organization_id, [], 'Core');
    const dup = await t.request('POST', '/v1/teams', {
      body: { name: 'core', organization_id: org.organization_id, access_groups: [] },
    });
    expect(dup.status).toBe(409);
    await createTeam(t, other.organization_id, [], 'Core');
    const second = await createTeam(t, org.organization_id, [], 'Edge');
    const rename = await t.request('PUT', `/v1/teams/${second.team_id}`, {
      body: { name: 'CORE', access_groups: [] },
    });
    expect(rename.status).toBe(409);
    const keep = await t.request('PUT', `/v1/teams/${second.team_id}`, {
      body: { ...second, access_groups: ['z'] },
    });
    expect(keep.status).toBe(400);
    const ok = await t.request('PUT', `/v1/teams/${second.team_id}`, {
      body: { name: 'Edge 2', organization_id: org.organization_id, access_groups: ['z'] },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'Edge 2', access_groups: ['z'] });
    expect(new Date(ok.body.updated_at).getTime()).toBeGreaterThanOrEqual(
      new Date(second.updated_at).getTime(),
    );
  });

  it('records every admin write as an audit event, readable by the org admin with filters', async () => {
    const org = await createOrg(t);
    const admin = await createKey(t, { organizationId: org.organization_id, role: 'org_admin' });
    const team = await t.request('POST', '/v1/teams', {
      key: admin.key,
      body: { name: 'Audited', access_groups: ['a'] },
      headers: { 'x-request-id': 'audit-trace-1' },
    });
    const key = await t.request('POST', '/v1/api-keys', {
      key: admin.key,
      body: { name: 'audited', role: 'viewer' },
    });
    await t.request('POST', `/v1/api-keys/${key.body.key_id}/rotate`, { key: admin.key });
    await t.request('DELETE', `/v1/api-keys/${key.body.key_id}`, { key: admin.key });

    const all = await t.request('GET', '/v1/audit-events', { key: admin.key });
    expect(all.status).toBe(200);
    expect(all.body.audit_events.map((e: { action: string }) => e.action)).toEqual([
      'api_key.revoke',
      'api_key.rotate',
      'api_key.create',
      'team.create',
      'api_key.create',
      'organization.create',
    ]);
    const teamEvent = all.body.audit_events[3];
    expect(teamEvent).toEqual({
      id: expect.stringMatching(/^evt_/),
      organization_id: org.organization_id,
      actor_key_id: admin.key_id,
      actor_user_id: admin.user_id,
      action: 'team.create',
      resource_type: 'team',
      resource_id: team.body.team_id,
      request_id: 'audit-trace-1',
      changes: { name: 'Audited', access_groups: ['a'] },
      created_at: expect.stringMatching(/Z$/),
    });
    const filtered = await t.request(
      'GET',
      `/v1/audit-events?resource_type=api_key&resource_id=${key.body.key_id}&limit=2`,
      { key: admin.key },
    );
    expect(filtered.body.audit_events.map((e: { action: string }) => e.action)).toEqual([
      'api_key.revoke',
      'api_key.rotate',
    ]);
    expect(filtered.body.pagination).toMatchObject({ limit: 2, has_more: true });
    const next = await t.request(
      'GET',
      `/v1/audit-events?resource_type=api_key&resource_id=${key.body.key_id}&limit=2&cursor=${filtered.body.pagination.next_cursor}`,
      { key: admin.key },
    );
    expect(next.body.audit_events.map((e: { action: string }) => e.action)).toEqual([
      'api_key.create',
    ]);
    expect(next.body.pagination).toEqual({ limit: 2, next_cursor: null, has_more: false });
    const byAction = await t.request('GET', '/v1/audit-events?action=team.create', {
      key: admin.key,
    });
    expect(byAction.body.audit_events).toHaveLength(1);

    const platform = await t.request(
      'GET',
      `/v1/audit-events?organization_id=${org.organization_id}&action=organization.create`,
    );
    expect(platform.body.audit_events).toHaveLength(1);
  });
});

describe('key cache', () => {
  it('with API_KEY_CACHE_TTL_MS=0 sees a revocation made directly in the database at once', async () => {
    const t = await startTestApp({ API_KEY_CACHE_TTL_MS: '0' });
    try {
      const org = await createOrg(t);
      const key = await createKey(t, { organizationId: org.organization_id, role: 'member' });
      expect((await t.request('GET', '/v1/me', { key: key.key })).status).toBe(200);
      await t.dataSource.query('UPDATE api_keys SET revoked_at = created_at WHERE id = ?', [
        key.key_id,
      ]);
      expect((await t.request('GET', '/v1/me', { key: key.key })).status).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('with a TTL serves a cached key until the entry expires (as another replica would)', async () => {
    const clock = new TestClock();
    const t = await startTestApp({ API_KEY_CACHE_TTL_MS: '60000' }, { clock });
    try {
      const org = await createOrg(t);
      const key = await createKey(t, { organizationId: org.organization_id, role: 'member' });
      expect((await t.request('GET', '/v1/me', { key: key.key })).status).toBe(200);
      // A write on another replica reaches only the database, not this replica's cache.
      await t.dataSource.query('UPDATE api_keys SET revoked_at = created_at WHERE id = ?', [
        key.key_id,
      ]);
      const cached = await t.request('GET', '/v1/me', { key: key.key });
      expect(cached.status).toBe(200);
      clock.advance(59_000);
      expect((await t.request('GET', '/v1/me', { key: key.key })).status).toBe(200);
      clock.advance(1_001);
      const expired = await t.request('GET', '/v1/me', { key: key.key });
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('API_KEY_DEACTIVATED');
    } finally {
      await t.close();
    }
  });
});
