import {
  createConfiguration,
  createKey,
  createOrg,
  createServer,
  createTeam,
} from '../support/factories';
import { ROUTE_EXPECTATIONS } from '../support/route-expectations';
import { registeredRoutes } from '../support/routes';
import { startTestApp, TestApp } from '../support/test-app';

/** A body each write route accepts, so the answer reflects scoping, not validation. */
const VALID_BODIES: Record<string, unknown> = {
  'PUT /v1/teams/:teamId': { name: 'Renamed', access_groups: ['x'] },
  'PATCH /v1/mcp-configurations/:configurationId': { name: 'Renamed' },
  'PUT /v1/mcp-configurations/:configurationId': { name: 'Renamed' },
  'PUT /v1/webhooks/:webhookId': { url: 'https://hooks.b.example.com/taken-over' },
  'PATCH /v1/organizations/:organizationId': { public_catalog: true },
};

/** Lists that take `organization_id`: naming another organization is refused. */
const SCOPED_LISTS = [
  'GET /v1/api-keys',
  'GET /v1/teams',
  'GET /v1/audit-events',
  'GET /v1/mcp-configurations',
  'GET /v1/mcp/server',
  'GET /v1/health/mcp',
  'GET /v1/events',
  'GET /v1/webhooks',
];

/**
 * The response text, except B's own refused credential reads in its audit trail: they name the
 * id B itself asked for (A's, in the test above) with the same "not_found" as a made-up id.
 */
function withoutOwnRefusals(route: string, res: { text: string; body: any }): string {
  if (route !== 'GET /v1/audit-events' || !Array.isArray(res.body?.audit_events)) return res.text;
  return JSON.stringify(
    res.body.audit_events.filter(
      (event: { action: string; changes: { outcome?: string } | null }) =>
        !(
          event.action === 'mcp_configuration.credentials.read' &&
          event.changes?.outcome === 'refused'
        ),
    ),
  );
}

/**
 * Organization B's keys against organization A's real resources, on every route that takes an
 * id: never A's data, and "not found" rather than a hint that the id exists.
 */
describe('cross-organization isolation on every route', () => {
  let t: TestApp;
  let routes: string[];
  const a: Record<string, string> = {};
  let bAdmin: string;
  let bService: string;
  let bMember: string;

  beforeAll(async () => {
    t = await startTestApp();
    routes = registeredRoutes(t);
    const orgA = await createOrg(t);
    const orgB = await createOrg(t);
    a.organizationId = orgA.organization_id;
    a.teamId = (await createTeam(t, orgA.organization_id, ['shared'])).team_id;
    const aKey = await createKey(t, { organizationId: orgA.organization_id, role: 'org_admin' });
    a.keyId = aKey.key_id;
    const config = await createConfiguration(t, aKey.key, orgA.organization_id, {
      name: 'A config',
      server_url: 'https://mcp.a.example.com',
      transport_type: 'sse',
      credentials: { type: 'bearer', token: 'a-secret-token-123' },
    });
    a.configurationId = config.id;
    const server = await createServer(t, aKey.key, {
      server_id: `a-server-${Date.now()}`,
      server_name: 'A server',
      url: 'https://mcp.a.example.com/sse',
      mcp_access_groups: ['shared'],
      env: { TOKEN: 'a-env-secret' },
    });
    a.server_id = server.server_id;
    const webhook = await t.request('POST', '/v1/webhooks', {
      key: aKey.key,
      body: { url: 'https://hooks.a.example.com/registry', types: ['mcp_server.*'] },
    });
    expect(webhook.status).toBe(201);
    a.webhookId = webhook.body.id;
    const named = await t.request('PATCH', `/v1/organizations/${orgA.organization_id}`, {
      key: aKey.key,
      body: { registry_namespace: `com.a${Date.now()}`, public_catalog: false },
    });
    a.namespace = named.body.registry_namespace;

    bAdmin = (await createKey(t, { organizationId: orgB.organization_id, role: 'org_admin' })).key;
    bService = (await createKey(t, { organizationId: orgB.organization_id, role: 'service' })).key;
    bMember = (
      await createKey(t, {
        organizationId: orgB.organization_id,
        role: 'member',
        accessGroups: ['shared'],
      })
    ).key;
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers 404 (or 403 by role) on every id route for another organization's resources", async () => {
    const withIds = routes.filter((route) => route.includes('/:'));
    expect(withIds.length).toBeGreaterThan(15);
    const wrong: string[] = [];
    for (const route of withIds) {
      const [method, template] = route.split(' ');
      const path = template.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
        if (!(name in a)) throw new Error(`no fixture for :${name} in ${route}`);
        return a[name];
      });
      for (const [who, key] of Object.entries({
        org_admin: bAdmin,
        service: bService,
        member: bMember,
      })) {
        const expectation = ROUTE_EXPECTATIONS[route];
        const allowed =
          expectation && 'roles' in expectation && expectation.roles.includes(who as never);
        const res = await t.request(method, path, {
          key,
          body: ['POST', 'PUT', 'PATCH'].includes(method) ? (VALID_BODIES[route] ?? {}) : undefined,
        });
        const expected = allowed ? 404 : 403;
        if (res.status !== expected)
          wrong.push(`${route} as B ${who}: ${res.status}, expected ${expected}`);
        for (const id of Object.values(a)) {
          if (res.text.includes(id) && !path.includes(id))
            wrong.push(`${route} as B ${who} leaked ${id}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("never lists another organization's rows, and 404s a list that names it", async () => {
    const lists = routes.filter((route) => route.startsWith('GET ') && !route.includes('/:'));
    const wrong: string[] = [];
    for (const route of lists) {
      const path = route.slice(4);
      for (const key of [bAdmin, bService, bMember]) {
        const res = await t.request('GET', path, { key });
        const listed = withoutOwnRefusals(route, res);
        for (const id of Object.values(a)) {
          if (listed.includes(id)) wrong.push(`${route} lists ${id}`);
        }
        const named = await t.request('GET', `${path}?organization_id=${a.organizationId}`, {
          key,
        });
        if (SCOPED_LISTS.includes(route) && named.status < 400) {
          wrong.push(`${route}?organization_id=A answered ${named.status}`);
        }
        if (named.text.includes(a.server_id) || named.text.includes(a.configurationId)) {
          wrong.push(`${route}?organization_id=A leaked data`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers 404 to a platform admin naming an organization that does not exist, on every list', async () => {
    const lists = [...SCOPED_LISTS, 'GET /v1/mcp/access_groups', 'GET /v1/mcp/server/health'];
    const answers: Record<string, [number, string]> = {};
    for (const route of lists) {
      const res = await t.request('GET', `${route.slice(4)}?organization_id=org_doesnotexist`);
      answers[route] = [res.status, res.body?.error?.code];
    }
    expect(answers).toEqual(Object.fromEntries(lists.map((route) => [route, [404, 'NOT_FOUND']])));
    // The organization exists but is empty: an empty list, not a 404.
    const empty = await createOrg(t);
    const listed = await t.request(
      'GET',
      `/v1/mcp/server?organization_id=${empty.organization_id}`,
    );
    expect([listed.status, listed.body]).toEqual([200, []]);
  });

  it("refuses to replace another organization's server or create in another organization", async () => {
    const put = await t.request('PUT', '/v1/mcp/server', {
      key: bAdmin,
      body: {
        server_id: a.server_id,
        server_name: 'Taken over',
        transport: 'sse',
        url: 'https://evil.example.com',
      },
    });
    expect(put.status).toBe(404);
    const createConfig = await t.request('POST', '/v1/mcp-configurations', {
      key: bAdmin,
      body: {
        name: 'Intruder',
        server_url: 'https://mcp.example.com',
        transport_type: 'sse',
        auth_type: 'none',
        organization_id: a.organizationId,
      },
    });
    expect(createConfig.status).toBe(403);
    const intruder = await t.request('POST', '/v1/mcp/server', {
      key: bAdmin,
      body: {
        server_name: 'Intruder',
        transport: 'sse',
        url: 'https://x.example.com',
        organization_id: a.organizationId,
      },
    });
    expect(intruder.status).toBe(403);
    expect(intruder.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
    const stillThere = await t.request('GET', `/v1/mcp/server/${a.server_id}`);
    expect(stillThere.body.server_name).toBe('A server');
  });
});
