import { createKey, createOrg, createServer, createTeam } from '../support/factories';
import { startMcpServer } from '../support/mcp-servers';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

/**
 * GET /v1/mcp/server reuses rendered pages while the organization's registry revision holds.
 * Every write a list shows must be seen at once, on this replica and on any other.
 */
describe('registry list cache', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function orgWithKeys() {
    const org = await createOrg(t);
    const organizationId = org.organization_id;
    const admin = (await createKey(t, { organizationId, role: 'org_admin' })).key;
    const member = (await createKey(t, { organizationId, role: 'member', accessGroups: ['ops'] }))
      .key;
    return { organizationId, admin, member };
  }

  async function list(key: string, query = '', app = t) {
    const res = await app.request('GET', `/v1/mcp/server${query}`, { key });
    expect(res.status).toBe(200);
    return res.body as {
      server_id: string;
      description: string | null;
      status: string;
      teams: { team_alias: string }[];
    }[];
  }

  it('serves a repeated page from the cache (a write outside the app is not seen until a registry write)', async () => {
    const { admin } = await orgWithKeys();
    const server = await createServer(t, admin, { description: 'before' });
    expect((await list(admin))[0].description).toBe('before');
    // Changed behind the app's back: no revision bump, so the rendered page stands.
    await t.dataSource.query('UPDATE mcp_servers SET description = ? WHERE server_id = ?', [
      'outside',
      server.server_id,
    ]);
    expect((await list(admin))[0].description).toBe('before');
    // Any registry write of the organization renders the page again.
    await createServer(t, admin);
    expect((await list(admin))[0].description).toBe('outside');
  });

  it('shows creates, replaces and deletes at once', async () => {
    const { admin, member } = await orgWithKeys();
    const first = await createServer(t, admin);
    expect((await list(admin)).map((s) => s.server_id)).toEqual([first.server_id]);
    expect(await list(member)).toHaveLength(1);

    const second = await createServer(t, admin, { mcp_access_groups: ['ops'] });
    expect((await list(admin)).map((s) => s.server_id)).toEqual([
      first.server_id,
      second.server_id,
    ]);
    expect(await list(member)).toHaveLength(2);

    const replaced = await t.request('PUT', '/v1/mcp/server', {
      key: admin,
      body: {
        server_id: second.server_id,
        server_name: second.server_name,
        transport: 'sse',
        url: 'https://mcp.example.com/sse',
        description: 'replaced',
        mcp_access_groups: ['finance'],
      },
    });
    expect(replaced.status).toBe(202);
    expect((await list(admin))[1].description).toBe('replaced');
    expect((await list(member)).map((s) => s.server_id)).toEqual([first.server_id]);

    expect(
      (await t.request('DELETE', `/v1/mcp/server/${first.server_id}`, { key: admin })).status,
    ).toBe(202);
    expect((await list(admin)).map((s) => s.server_id)).toEqual([second.server_id]);
    expect(await list(member)).toEqual([]);
  });

  it('shows team changes (the teams a server lists) at once', async () => {
    const { organizationId, admin } = await orgWithKeys();
    await createServer(t, admin, { mcp_access_groups: ['ops'] });
    expect((await list(admin))[0].teams).toEqual([]);

    const team = await createTeam(t, organizationId, ['ops'], 'Operators');
    expect((await list(admin))[0].teams.map((x) => x.team_alias)).toEqual(['Operators']);

    const renamed = await t.request('PUT', `/v1/teams/${team.team_id}`, {
      body: { name: 'Night shift', access_groups: ['ops'] },
    });
    expect(renamed.status).toBe(200);
    expect((await list(admin))[0].teams.map((x) => x.team_alias)).toEqual(['Night shift']);

    expect((await t.request('DELETE', `/v1/teams/${team.team_id}`)).status).toBe(204);
    expect((await list(admin))[0].teams).toEqual([]);
  });

  it('shows an on-demand probe result at once', async () => {
    const { admin } = await orgWithKeys();
    const mcp = await startMcpServer({ transport: 'streamable_http' });
    try {
      const server = await createServer(t, admin, { transport: 'streamable_http', url: mcp.url });
      expect((await list(admin))[0].status).toBe('unknown');
      const probe = await t.request('POST', `/v1/mcp/server/${server.server_id}/health`, {
        key: admin,
      });
      expect(probe.status).toBe(200);
      expect((await list(admin))[0].status).toBe('healthy');
    } finally {
      await mcp.close();
    }
  });

  it('keeps organizations, roles and queries apart', async () => {
    const a = await orgWithKeys();
    const b = await orgWithKeys();
    const inA = await createServer(t, a.admin, { mcp_access_groups: ['finance'] });
    const inB = await createServer(t, b.admin);
    expect((await list(a.admin)).map((s) => s.server_id)).toEqual([inA.server_id]);
    expect((await list(b.admin)).map((s) => s.server_id)).toEqual([inB.server_id]);
    expect(await list(a.member)).toEqual([]);
    const viewer = (await createKey(t, { organizationId: a.organizationId, role: 'viewer' })).key;
    const asAdmin = await t.request('GET', '/v1/mcp/server', { key: a.admin });
    const asViewer = await t.request('GET', '/v1/mcp/server?access_group=finance', {
      key: viewer,
    });
    expect(asViewer.status).toBe(200);
    // Viewers see no connection details, even right after an admin rendered the same servers.
    expect(asAdmin.body[0].url).toBe('https://mcp.example.com/sse');
    expect(asViewer.body).toEqual([]);
    const viewerAll = await t.request('GET', '/v1/mcp/server', { key: viewer });
    expect(viewerAll.body).toEqual([]);
    const limited = await list(a.admin, '?limit=1&include_total=true');
    expect(limited).toHaveLength(1);
  });

  it("shows another replica's writes and background checks at once", async () => {
    const { admin } = await orgWithKeys();
    const mcp = await startMcpServer({ transport: 'streamable_http' });
    // A second app on the same database, running the background checker.
    const other = await startTestApp(
      { HEALTH_WORKER_ENABLED: 'true', HEALTH_CHECK_INTERVAL_S: '1' },
      { database: t.database },
    );
    try {
      expect(await list(admin)).toEqual([]);
      const server = await createServer(other, admin, {
        transport: 'streamable_http',
        url: mcp.url,
      });
      const seen = await list(admin);
      expect(seen.map((s) => s.server_id)).toEqual([server.server_id]);
      expect(seen[0].status).toBe('unknown');
      await waitFor(async () => (await list(admin))[0].status === 'healthy', 15_000, {
        pollMs: 100,
        what: "the other replica's check shown",
      });
    } finally {
      await other.close();
      await mcp.close();
    }
  });
});
