import { createKey, createOrg } from '../../support/factories';
import { RunningMcpServer, startMcpServer } from '../../support/mcp-servers';
import { startTestApp, TestApp } from '../../support/test-app';
import { waitFor } from '../../support/wait';

/**
 * Issue 11, item 6. A hostile org_admin probes for other tenants' server ids: before, a 409 on
 * POST told it that another organization used the id. Now a server_id is unique per
 * organization: the same id in another organization is simply a different server, every route
 * naming an id resolves it inside the caller's organization, and a platform admin names the
 * organization when an id is used by several.
 */
describe('attack: server_id existence across organizations', () => {
  let t: TestApp;
  let mcpA: RunningMcpServer;
  let mcpB: RunningMcpServer;
  let orgA: string;
  let orgB: string;
  let adminA: string;
  let adminB: string;
  let memberB: string;
  const sharedId = 'github-mcp';
  let replacedAt = 0;

  function serverBody(name: string, url: string, token: string) {
    return {
      server_id: sharedId,
      server_name: name,
      transport: 'streamable_http',
      url,
      auth_type: 'bearer_token',
      credentials: { token },
      env: { REGION: `${name}-region` },
    };
  }

  beforeAll(async () => {
    // Each organization's MCP server accepts only its own token and names its own tool, so a
    // probe (on demand or in the background) that mixed the two rows up would show.
    mcpA = await startMcpServer({
      transport: 'streamable_http',
      requireBearer: 'token-of-a',
      tools: [{ name: 'a_tool' }],
    });
    mcpB = await startMcpServer({
      transport: 'streamable_http',
      requireBearer: 'token-of-b',
      tools: [{ name: 'b_tool' }],
    });
    t = await startTestApp({ HEALTH_WORKER_ENABLED: 'true', HEALTH_CHECK_INTERVAL_S: '2' });
    orgA = (await createOrg(t)).organization_id;
    orgB = (await createOrg(t)).organization_id;
    adminA = (await createKey(t, { organizationId: orgA, role: 'org_admin' })).key;
    adminB = (await createKey(t, { organizationId: orgB, role: 'org_admin' })).key;
    memberB = (await createKey(t, { organizationId: orgB, role: 'member' })).key;
    const created = await t.request('POST', '/v1/mcp/server', {
      key: adminA,
      body: serverBody('Alpha', mcpA.url, 'token-of-a'),
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    await t.close();
    await mcpA.close();
    await mcpB.close();
  });

  it("lets another organization register the same server_id: no 409 reveals A's server", async () => {
    const res = await t.request('POST', '/v1/mcp/server', {
      key: adminB,
      body: serverBody('Bravo', mcpB.url, 'token-of-b'),
    });
    expect(res.status).toBe(201);
    expect(res.body.organization_id).toBe(orgB);
    expect(res.body.server_name).toBe('Bravo');
    expect(res.text).not.toContain(orgA);
    expect(res.text).not.toContain('Alpha');
  });

  it('still answers 409 for a duplicate server_id inside one organization', async () => {
    const res = await t.request('POST', '/v1/mcp/server', {
      key: adminB,
      body: serverBody('Bravo Two', mcpB.url, 'token-of-b'),
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
    expect(res.body.error.message).toContain('in the organization');
  });

  it("resolves every server-id route inside the caller's organization", async () => {
    const get = await t.request('GET', `/v1/mcp/server/${sharedId}`, { key: adminB });
    expect(get.status).toBe(200);
    expect(get.body.server_name).toBe('Bravo');
    expect(get.body.organization_id).toBe(orgB);

    const asMember = await t.request('GET', `/v1/mcp/server/${sharedId}`, { key: memberB });
    expect(asMember.body.server_name).toBe('Bravo');

    const health = await t.request('GET', `/v1/mcp/server/health?server_ids=${sharedId}`, {
      key: adminB,
    });
    expect(health.status).toBe(200);
    expect(health.body).toHaveLength(1);
    expect(health.body[0].organization_id).toBe(orgB);

    // Probe-now uses B's row and B's credentials: only B's MCP server accepts them.
    const probe = await t.request('POST', `/v1/mcp/server/${sharedId}/health`, { key: adminB });
    expect(probe.status).toBe(200);
    expect(probe.body.status).toBe('healthy');
    expect(probe.body.tools.map((tool: { name: string }) => tool.name)).toEqual(['b_tool']);
    expect(mcpB.lastHeaders?.authorization).toBe('Bearer token-of-b');

    const tools = await t.request('GET', `/v1/mcp/server/${sharedId}/tools`, { key: adminB });
    expect(tools.status).toBe(200);
    expect(tools.body.tools.map((tool: { name: string }) => tool.name)).toEqual(['b_tool']);

    // Naming A's organization gets B nothing of A's.
    for (const path of [
      `/v1/mcp/server/${sharedId}?organization_id=${orgA}`,
      `/v1/mcp/server/${sharedId}/tools?organization_id=${orgA}`,
    ]) {
      const res = await t.request('GET', path, { key: adminB });
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('Alpha');
    }

    // A replace by B changes B's server; A's is untouched.
    const put = await t.request('PUT', '/v1/mcp/server', {
      key: adminB,
      body: { ...serverBody('Bravo Renamed', mcpB.url, '****'), env: { REGION: '****' } },
    });
    expect(put.status).toBe(202);
    replacedAt = Date.now();
    const alpha = await t.request('GET', `/v1/mcp/server/${sharedId}`, { key: adminA });
    expect(alpha.body.server_name).toBe('Alpha');
    expect(alpha.body.organization_id).toBe(orgA);
  });

  it('checks both servers in the background, each with its own credentials', async () => {
    await waitFor(
      async () => {
        const [a, b] = await Promise.all([
          t.request('GET', `/v1/mcp/server/${sharedId}`, { key: adminA }),
          t.request('GET', `/v1/mcp/server/${sharedId}`, { key: adminB }),
        ]);
        // A was never probed on demand; B is due again since its replace.
        return (
          a.body.status === 'healthy' &&
          b.body.status === 'healthy' &&
          Date.parse(b.body.last_health_check) >= replacedAt
        );
      },
      15_000,
      { pollMs: 100 },
    );
    const toolsA = await t.request('GET', `/v1/mcp/server/${sharedId}/tools`, { key: adminA });
    expect(toolsA.body.tools.map((tool: { name: string }) => tool.name)).toEqual(['a_tool']);
  });

  it('makes a platform admin name the organization when the id is used by several', async () => {
    const ambiguous = await t.request('GET', `/v1/mcp/server/${sharedId}`);
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.error.code).toBe('VALIDATION_ERROR');
    expect(ambiguous.body.error.details.fields[0].field).toBe('organization_id');
    expect(ambiguous.body.error.trace_id).toBe(ambiguous.headers.get('x-request-id'));

    for (const path of [`/v1/mcp/server/${sharedId}/tools`]) {
      expect((await t.request('GET', path)).status).toBe(400);
    }
    expect((await t.request('POST', `/v1/mcp/server/${sharedId}/health`)).status).toBe(400);
    expect((await t.request('DELETE', `/v1/mcp/server/${sharedId}`)).status).toBe(400);

    const a = await t.request('GET', `/v1/mcp/server/${sharedId}?organization_id=${orgA}`);
    expect(a.status).toBe(200);
    expect(a.body.server_name).toBe('Alpha');
    const b = await t.request('GET', `/v1/mcp/server/${sharedId}?organization_id=${orgB}`);
    expect(b.body.server_name).toBe('Bravo Renamed');

    // The list over every organization shows both, one page at a time, each exactly once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page = await t.request('GET', `/v1/mcp/server?limit=1${query}`);
      expect(page.status).toBe(200);
      for (const server of page.body) seen.push(`${server.organization_id}/${server.server_id}`);
      cursor = page.headers.get('x-next-cursor');
    } while (cursor);
    expect(seen.sort()).toEqual([`${orgA}/${sharedId}`, `${orgB}/${sharedId}`].sort());

    const removed = await t.request('DELETE', `/v1/mcp/server/${sharedId}?organization_id=${orgB}`);
    expect(removed.status).toBe(202);
    // One organization left: the id is unambiguous again.
    const only = await t.request('GET', `/v1/mcp/server/${sharedId}`);
    expect(only.status).toBe(200);
    expect(only.body.organization_id).toBe(orgA);
    expect((await t.request('GET', `/v1/mcp/server/${sharedId}`, { key: adminB })).status).toBe(
      404,
    );
  });
});
