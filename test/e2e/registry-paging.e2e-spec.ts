import { createKey, createOrg, createServer } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('registry list paging by visibility', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function pages(key: string, query = '') {
    const seen: string[] = [];
    let cursor: string | null = null;
    let total = -1;
    for (let i = 0; i < 50; i += 1) {
      const sep = query ? '&' : '';
      const res: any = await t.request(
        'GET',
        `/v1/mcp/server?limit=7&include_total=true${sep}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { key },
      );
      expect(res.status).toBe(200);
      total = Number(res.headers.get('x-total-count'));
      seen.push(...res.body.map((s: { server_id: string }) => s.server_id));
      cursor = res.headers.get('x-next-cursor');
      if (!cursor) break;
    }
    return { seen, total };
  }

  it('pages a member through exactly the servers it may see, in creation order, with the right total', async () => {
    const org = await createOrg(t);
    const admin = await createKey(t, { organizationId: org.organization_id, role: 'org_admin' });
    const member = await createKey(t, {
      organizationId: org.organization_id,
      role: 'member',
      accessGroups: ['a', 'c'],
    });
    const groupsFor = (i: number) => [[], ['a'], ['b'], ['a', 'c'], ['b', 'c']][i % 5];
    const created: { id: string; groups: string[] }[] = [];
    for (let i = 0; i < 31; i += 1) {
      const id = `page-${org.organization_id.slice(4, 12)}-${String(i).padStart(2, '0')}`;
      await createServer(t, admin.key, {
        server_id: id,
        server_name: `Paged ${i}`,
        mcp_access_groups: groupsFor(i),
      });
      created.push({ id, groups: groupsFor(i) });
    }
    const visible = created
      .filter((s) => s.groups.length === 0 || s.groups.some((g) => ['a', 'c'].includes(g)))
      .map((s) => s.id);
    expect(visible.length).toBeGreaterThan(10);

    const memberView = await pages(member.key);
    expect(memberView.seen).toEqual(visible);
    expect(memberView.total).toBe(visible.length);

    const adminView = await pages(admin.key);
    expect(adminView.seen).toEqual(created.map((s) => s.id));
    expect(adminView.total).toBe(created.length);

    const unknownOnly = await pages(member.key, 'status=unknown');
    expect(unknownOnly.seen).toEqual(visible);
    const healthy = await pages(member.key, 'status=healthy');
    expect(healthy).toEqual({ seen: [], total: 0 });

    // A replace rewrites the server's group rows; it keeps its place in the member's order.
    const moved = created.find((s) => s.groups.length === 1 && s.groups[0] === 'b')!;
    const replaced = await t.request('PUT', '/v1/mcp/server', {
      key: admin.key,
      body: {
        server_id: moved.id,
        server_name: `Paged ${created.indexOf(moved)}`,
        transport: 'sse',
        url: 'https://mcp.example.com/sse',
        mcp_access_groups: ['c'],
      },
    });
    expect(replaced.status).toBe(202);
    const afterMove = await pages(member.key);
    expect(afterMove.seen).toEqual(
      created.filter((s) => s === moved || visible.includes(s.id)).map((s) => s.id),
    );
  });
});
