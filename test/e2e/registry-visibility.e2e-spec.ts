import { createKey, createOrg, createServer, createTeam } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

interface Fixture {
  orgId: string;
  otherOrgId: string;
  servers: { a: string; b: string; open: string };
  teams: { b: { team_id: string; name: string }; ab: { team_id: string; name: string } };
  keys: Record<
    | 'memberA'
    | 'memberViaTeamB'
    | 'memberNone'
    | 'viewerA'
    | 'orgAdmin'
    | 'service'
    | 'healthMonitor'
    | 'otherOrgAdmin',
    string
  >;
}

/**
 * One organization with servers in groups {a}, {b} and {} (no group), a team granting b, a team
 * granting a and b (to a key nobody uses, so it only shows up in `teams`), and one key per case.
 */
async function buildFixture(t: TestApp): Promise<Fixture> {
  const orgId = (await createOrg(t)).organization_id;
  const otherOrgId = (await createOrg(t)).organization_id;
  const teamB = await createTeam(t, orgId, ['b'], 'B team');
  const teamAB = await createTeam(t, orgId, ['a', 'b'], 'A and B team');
  await createTeam(t, orgId, ['c'], 'Unrelated team');
  const key = async (
    role: 'member' | 'viewer' | 'org_admin' | 'service' | 'health_monitor',
    options: { accessGroups?: string[]; teamIds?: string[] } = {},
  ) => (await createKey(t, { organizationId: orgId, role, ...options })).key;
  const keys: Fixture['keys'] = {
    memberA: await key('member', { accessGroups: ['a'] }),
    memberViaTeamB: await key('member', { teamIds: [teamB.team_id] }),
    memberNone: await key('member'),
    viewerA: await key('viewer', { accessGroups: ['a'] }),
    orgAdmin: await key('org_admin'),
    service: await key('service'),
    healthMonitor: await key('health_monitor'),
    otherOrgAdmin: (await createKey(t, { organizationId: otherOrgId, role: 'org_admin' })).key,
  };
  const create = async (name: string, groups: string[]) => {
    // stdio servers are defined by platform admins; org admins and the rest still see them.
    const server = await createServer(t, null, {
      organization_id: orgId,
      server_name: name,
      transport: 'stdio',
      command: 'npx',
      args: ['-y', name],
      env: { TOKEN: 'value' },
      mcp_access_groups: groups,
    });
    return server.server_id;
  };
  return {
    orgId,
    otherOrgId,
    servers: {
      a: await create('In A', ['a']),
      b: await create('In B', ['b']),
      open: await create('Open', []),
    },
    teams: {
      b: { team_id: teamB.team_id, name: teamB.name },
      ab: { team_id: teamAB.team_id, name: teamAB.name },
    },
    keys,
  };
}

describe('server registry visibility (API.md §2)', () => {
  let t: TestApp;
  let f: Fixture;

  beforeAll(async () => {
    t = await startTestApp();
    f = await buildFixture(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const cases: [keyof Fixture['keys'], ('a' | 'b' | 'open')[], string[]][] = [
    ['memberA', ['a', 'open'], ['a']],
    ['memberViaTeamB', ['b', 'open'], ['b']],
    ['memberNone', ['open'], []],
    ['viewerA', ['a', 'open'], ['a']],
    ['orgAdmin', ['a', 'b', 'open'], ['a', 'b']],
    ['service', ['a', 'b', 'open'], ['a', 'b']],
    ['otherOrgAdmin', [], []],
  ];

  it.each(cases)('%s lists exactly its visible servers', async (who, visible) => {
    const res = await t.request('GET', '/v1/mcp/server?include_total=true', { key: f.keys[who] });
    expect(res.status).toBe(200);
    const ids = (res.body as { server_id: string }[]).map((s) => s.server_id).sort();
    expect(ids).toEqual(visible.map((name) => f.servers[name]).sort());
    expect(res.headers.get('x-total-count')).toBe(String(visible.length));
  });

  it.each(cases)(
    '%s gets its visible servers by id and 404 for the others',
    async (who, visible) => {
      for (const name of ['a', 'b', 'open'] as const) {
        const id = f.servers[name];
        const one = await t.request('GET', `/v1/mcp/server/${id}`, { key: f.keys[who] });
        const tools = await t.request('GET', `/v1/mcp/server/${id}/tools`, { key: f.keys[who] });
        const expected = visible.includes(name) ? 200 : 404;
        expect({ who, name, status: one.status, tools: tools.status }).toEqual({
          who,
          name,
          status: expected,
          tools: expected,
        });
        if (expected === 404) expect(one.body.error.code).toBe('NOT_FOUND');
      }
    },
  );

  it.each(cases)(
    '%s sees the access groups of its visible servers',
    async (who, _visible, groups) => {
      const res = await t.request('GET', '/v1/mcp/access_groups', { key: f.keys[who] });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ access_groups: groups });
    },
  );

  it.each(cases)('%s gets health only for the servers it can see', async (who, visible) => {
    const ids = [f.servers.a, f.servers.b, f.servers.open, 'no-such-server'].join(',');
    const res = await t.request('GET', `/v1/mcp/server/health?server_ids=${ids}`, {
      key: f.keys[who],
    });
    expect(res.status).toBe(200);
    expect((res.body as { server_id: string }[]).map((h) => h.server_id).sort()).toEqual(
      visible.map((name) => f.servers[name]).sort(),
    );
  });

  it('lists the teams whose access groups reach each server', async () => {
    const res = await t.request('GET', '/v1/mcp/server', { key: f.keys.orgAdmin });
    const byId = new Map(
      (res.body as { server_id: string; teams: unknown[] }[]).map((s) => [s.server_id, s.teams]),
    );
    const team = (entry: { team_id: string; name: string }) => ({
      team_id: entry.team_id,
      team_alias: entry.name,
      organization_id: f.orgId,
    });
    expect(byId.get(f.servers.a)).toEqual([team(f.teams.ab)]);
    expect(byId.get(f.servers.b)).toEqual([team(f.teams.ab), team(f.teams.b)]);
    expect(byId.get(f.servers.open)).toEqual([]);
    const one = await t.request('GET', `/v1/mcp/server/${f.servers.b}`, {
      key: f.keys.memberViaTeamB,
    });
    expect(one.body.teams).toEqual([team(f.teams.ab), team(f.teams.b)]);
  });

  it('hides url, command, args and env from viewers only', async () => {
    const viewer = await t.request('GET', `/v1/mcp/server/${f.servers.a}`, { key: f.keys.viewerA });
    expect(viewer.body).toMatchObject({ url: null, command: null, args: null, env: null });
    const member = await t.request('GET', `/v1/mcp/server/${f.servers.a}`, { key: f.keys.memberA });
    expect(member.body).toMatchObject({
      command: 'npx',
      args: ['-y', 'In A'],
      env: { TOKEN: '****' },
    });
    const list = await t.request('GET', '/v1/mcp/server', { key: f.keys.viewerA });
    for (const server of list.body) {
      expect(server).toMatchObject({ url: null, command: null, args: null, env: null });
    }
  });

  it('lets health monitors read the health of the whole organization and nothing else', async () => {
    const health = await t.request('GET', '/v1/mcp/server/health', { key: f.keys.healthMonitor });
    expect(health.status).toBe(200);
    expect(health.body).toHaveLength(3);
    expect(health.body.find((h: { server_id: string }) => h.server_id === f.servers.a)).toEqual({
      server_id: f.servers.a,
      organization_id: f.orgId,
      status: 'unknown',
      last_health_check: null,
      health_check_error: null,
      latency_ms: null,
    });
    for (const path of [
      '/v1/mcp/server',
      `/v1/mcp/server/${f.servers.open}`,
      '/v1/mcp/access_groups',
    ]) {
      expect((await t.request('GET', path, { key: f.keys.healthMonitor })).status).toBe(403);
    }
  });

  it('answers 404 when a key names another organization, and lets platform admins pick one', async () => {
    for (const path of [
      `/v1/mcp/server?organization_id=${f.orgId}`,
      `/v1/mcp/server/${f.servers.open}?organization_id=${f.orgId}`,
      `/v1/mcp/access_groups?organization_id=${f.orgId}`,
    ]) {
      expect((await t.request('GET', path, { key: f.keys.otherOrgAdmin })).status).toBe(404);
    }
    const platform = await t.request('GET', `/v1/mcp/server?organization_id=${f.orgId}`);
    expect(platform.body).toHaveLength(3);
    const platformOther = await t.request('GET', `/v1/mcp/server?organization_id=${f.otherOrgId}`);
    expect(platformOther.body).toEqual([]);
    const byId = await t.request('GET', `/v1/mcp/server/${f.servers.b}`);
    expect(byId.status).toBe(200);
    expect(byId.body.organization_id).toBe(f.orgId);
    const wrongOrg = await t.request(
      'GET',
      `/v1/mcp/server/${f.servers.b}?organization_id=${f.otherOrgId}`,
    );
    expect(wrongOrg.status).toBe(404);
  });

  it('filters by access_group and status', async () => {
    const byGroup = await t.request('GET', '/v1/mcp/server?access_group=b', {
      key: f.keys.orgAdmin,
    });
    expect(byGroup.body.map((s: { server_id: string }) => s.server_id)).toEqual([f.servers.b]);
    const memberByGroup = await t.request('GET', '/v1/mcp/server?access_group=b', {
      key: f.keys.memberA,
    });
    expect(memberByGroup.body).toEqual([]);
    const unknown = await t.request('GET', '/v1/mcp/server?status=unknown', {
      key: f.keys.orgAdmin,
    });
    expect(unknown.body).toHaveLength(3);
    const healthy = await t.request('GET', '/v1/mcp/server?status=healthy&include_total=true', {
      key: f.keys.orgAdmin,
    });
    expect(healthy.body).toEqual([]);
    expect(healthy.headers.get('x-total-count')).toBe('0');
    const bad = await t.request('GET', '/v1/mcp/server?status=sleepy', { key: f.keys.orgAdmin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].field).toBe('status');
  });

  it('pages with limit and X-Next-Cursor, in creation order', async () => {
    const all = await t.request('GET', '/v1/mcp/server', { key: f.keys.orgAdmin });
    const order = all.body.map((s: { server_id: string }) => s.server_id);
    expect(all.headers.get('x-next-cursor')).toBeNull();
    const first = await t.request('GET', '/v1/mcp/server?limit=2&include_total=true', {
      key: f.keys.orgAdmin,
    });
    expect(first.body.map((s: { server_id: string }) => s.server_id)).toEqual(order.slice(0, 2));
    expect(first.headers.get('x-total-count')).toBe('3');
    const uncounted = await t.request('GET', '/v1/mcp/server?limit=2', { key: f.keys.orgAdmin });
    expect(uncounted.body).toEqual(first.body);
    expect(uncounted.headers.get('x-total-count')).toBeNull();
    expect(uncounted.headers.get('x-next-cursor')).toBe(first.headers.get('x-next-cursor'));
    const badFlag = await t.request('GET', '/v1/mcp/server?include_total=yes', {
      key: f.keys.orgAdmin,
    });
    expect(badFlag.status).toBe(400);
    expect(badFlag.body.error.details.fields[0].field).toBe('include_total');
    // Opaque, but URL-safe: a client puts it into the next query as it is.
    const cursor = first.headers.get('x-next-cursor');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    const second = await t.request('GET', `/v1/mcp/server?limit=2&cursor=${cursor}`, {
      key: f.keys.orgAdmin,
    });
    expect(second.body.map((s: { server_id: string }) => s.server_id)).toEqual(order.slice(2));
    expect(second.headers.get('x-next-cursor')).toBeNull();
    const badCursor = await t.request('GET', '/v1/mcp/server?cursor=nonsense', {
      key: f.keys.orgAdmin,
    });
    expect(badCursor.status).toBe(400);
    const badLimit = await t.request('GET', '/v1/mcp/server?limit=101', { key: f.keys.orgAdmin });
    expect(badLimit.status).toBe(400);
  });

  it('answers 404 for a malformed id instead of querying it', async () => {
    const res = await t.request('GET', `/v1/mcp/server/${'x'.repeat(65)}`, {
      key: f.keys.orgAdmin,
    });
    expect(res.status).toBe(404);
  });
});
