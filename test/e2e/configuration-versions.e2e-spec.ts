import { randomUUID } from 'node:crypto';
import { createKey, createOrg } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/** Custom configurations carry ETags and honour If-None-Match and If-Match like registry servers. */
describe('configuration versions: ETag, If-None-Match, If-Match', () => {
  let t: TestApp;
  let admin: string;
  let member: string;
  let organizationId: string;

  beforeAll(async () => {
    t = await startTestApp();
    organizationId = (await createOrg(t)).organization_id;
    admin = (await createKey(t, { organizationId, role: 'org_admin' })).key;
    member = (await createKey(t, { organizationId, role: 'member' })).key;
  });
  afterAll(async () => {
    await t?.close();
  });

  async function create(key = admin) {
    const created = await t.request('POST', '/v1/mcp-configurations', {
      key,
      body: {
        name: `Versioned ${randomUUID()}`,
        organization_id: organizationId,
        server_url: 'https://mcp.example.com/mcp',
        transport_type: 'streamable_http',
        auth_type: 'bearer_token',
        credentials: { token: 'tok-1' },
      },
    });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, etag: created.headers.get('etag')! };
  }

  it('tags every answer with the version and answers 304 while the client holds the current one', async () => {
    const { id, etag } = await create();
    expect(etag).toMatch(/^"v1\.[A-Za-z0-9_-]{22}"$/);
    const read = await t.request('GET', `/v1/mcp-configurations/${id}`, { key: admin });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe(etag);
    expect(read.headers.get('content-type')).toMatch(/^application\/json/);
    const unchanged = await t.request('GET', `/v1/mcp-configurations/${id}`, {
      key: admin,
      headers: { 'if-none-match': etag },
    });
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');

    const patched = await t.request('PATCH', `/v1/mcp-configurations/${id}`, {
      key: admin,
      body: { is_active: false },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.isActive).toBe(false);
    expect(patched.headers.get('etag')).toMatch(/^"v2\./);
    const changed = await t.request('GET', `/v1/mcp-configurations/${id}`, {
      key: admin,
      headers: { 'if-none-match': etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe(patched.headers.get('etag'));

    // A PATCH that changes nothing writes nothing: same version, same ETag.
    const same = await t.request('PATCH', `/v1/mcp-configurations/${id}`, {
      key: admin,
      body: { is_active: false },
    });
    expect(same.headers.get('etag')).toBe(patched.headers.get('etag'));
  });

  it('answers 412 to a PATCH or PUT whose If-Match is stale, changing nothing, and applies a current one', async () => {
    const { id, etag } = await create();
    const first = await t.request('PATCH', `/v1/mcp-configurations/${id}`, {
      key: admin,
      body: { server_url: 'https://mcp.example.com/two' },
      headers: { 'if-match': etag },
    });
    expect(first.status).toBe(200);
    for (const method of ['PATCH', 'PUT']) {
      const stale = await t.request(method, `/v1/mcp-configurations/${id}`, {
        key: admin,
        body: { server_url: 'https://mcp.example.com/stale' },
        headers: { 'if-match': etag },
      });
      expect(stale.status).toBe(412);
      expect(stale.body.error).toMatchObject({ code: 'PRECONDITION_FAILED', status: 412 });
      expect(stale.body.error.trace_id).toBe(stale.headers.get('x-request-id'));
    }
    const now = await t.request('GET', `/v1/mcp-configurations/${id}`, { key: admin });
    expect(now.body.server_url).toBe('https://mcp.example.com/two');
    expect(now.headers.get('etag')).toBe(first.headers.get('etag'));

    const put = await t.request('PUT', `/v1/mcp-configurations/${id}`, {
      key: admin,
      body: { server_url: 'https://mcp.example.com/three' },
      headers: { 'if-match': `"v9.x", ${first.headers.get('etag')}` },
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toMatch(/^"v3\./);
    const star = await t.request('PATCH', `/v1/mcp-configurations/${id}`, {
      key: admin,
      body: { credentials: { token: 'tok-2' } },
      headers: { 'if-match': '*' },
    });
    expect(star.status).toBe(200);
    expect(star.headers.get('etag')).toMatch(/^"v4\./);
    // A weak tag never matches for If-Match.
    const weak = await t.request('PATCH', `/v1/mcp-configurations/${id}`, {
      key: admin,
      body: { is_active: false },
      headers: { 'if-match': `W/${star.headers.get('etag')}` },
    });
    expect(weak.status).toBe(412);
  });

  it('lets exactly one of two PATCHes with the same If-Match win', async () => {
    const { id, etag } = await create();
    const patch = (url: string) =>
      t.request('PATCH', `/v1/mcp-configurations/${id}`, {
        key: admin,
        body: { server_url: url },
        headers: { 'if-match': etag },
      });
    const answers = await Promise.all([
      patch('https://mcp.example.com/a'),
      patch('https://mcp.example.com/b'),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 412]);
    const winner = answers.find((answer) => answer.status === 200)!;
    const now = await t.request('GET', `/v1/mcp-configurations/${id}`, { key: admin });
    expect(now.body.server_url).toBe(winner.body.server_url);
  });

  it('checks ownership before the version: another member gets 403, not 412', async () => {
    const { id, etag } = await create(member);
    const other = (await createKey(t, { organizationId, role: 'member' })).key;
    const denied = await t.request('PATCH', `/v1/mcp-configurations/${id}`, {
      key: other,
      body: { is_active: false },
      headers: { 'if-match': '"v7.x"' },
    });
    expect(denied.status).toBe(403);
    const own = await t.request('PATCH', `/v1/mcp-configurations/${id}`, {
      key: member,
      body: { is_active: false },
      headers: { 'if-match': etag },
    });
    expect(own.status).toBe(200);
  });

  it('tags list pages and answers 304 while the page is unchanged', async () => {
    await create();
    const path = `/v1/mcp-configurations?organization_id=${organizationId}&limit=5`;
    const page = await t.request('GET', path, { key: admin });
    expect(page.status).toBe(200);
    const etag = page.headers.get('etag')!;
    expect(etag).toMatch(/^"l\./);
    const again = await t.request('GET', path, { key: admin, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    await create();
    const changed = await t.request('GET', path, {
      key: admin,
      headers: { 'if-none-match': etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.pagination.total_count).toBe(page.body.pagination.total_count + 1);
  });
});
