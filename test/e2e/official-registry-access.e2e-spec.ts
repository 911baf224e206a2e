import { createKey, createServer, orgWithKey, unique } from '../support/factories';
import { encodedName, officialList } from '../support/official-registry/catalog-client';
import {
  expectOfficialNotFound,
  expectServerList,
  expectServerResponse,
  reportSchemaCounts,
} from '../support/official-registry/official-schema';
import { startTestApp, TestApp } from '../support/test-app';

const OURS = 'io.mcp-registry/server';

const namesOf = (body: { servers: { server: { name: string } }[] }) =>
  body.servers.map((entry) => entry.server.name).sort();

/**
 * Who reads what through the official registry API: exactly what the key sees under API.md §2,
 * viewers without URLs, an organization's public catalog without a key, nothing of another
 * organization; 401s carry the RFC 9728 challenge, every answer carries CORS.
 */
describe('official registry API (v0.1): who reads what', () => {
  let t: TestApp;
  let organizationId: string;
  let admin: string;
  const namespace = `io.example${unique()}`;
  const keys: Record<string, string> = {};
  let otherNamespace: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ organizationId, key: admin } = await orgWithKey(t));
    await t.request('PATCH', `/v1/organizations/${organizationId}`, {
      key: admin,
      body: { registry_namespace: namespace },
    });
    for (const [role, groups] of [
      ['member', ['eng']],
      ['viewer', ['eng']],
      ['service', []],
      ['outsider', ['sales']],
    ] as const) {
      const keyRole = role === 'outsider' ? 'member' : role;
      keys[role] = (
        await createKey(t, { organizationId, role: keyRole, accessGroups: [...groups] })
      ).key;
    }
    await createServer(t, admin, { server_name: 'Open', alias: 'open' });
    await createServer(t, admin, {
      server_name: 'Eng only',
      alias: 'eng_only',
      mcp_access_groups: ['eng'],
      auth_type: 'bearer_token',
      credentials: { token: 'eng-secret-token' },
    });
    await createServer(t, admin, {
      server_name: 'Public docs',
      alias: 'public_docs',
      mcp_access_groups: ['docs'],
      catalog_public: true,
    });
    const other = await orgWithKey(t);
    otherNamespace = `org-${other.organizationId.slice(4)}`;
    await createServer(t, other.key, { server_name: 'Foreign', alias: 'foreign' });
  });
  afterAll(async () => {
    reportSchemaCounts('official-registry-access');
    await t.close();
  });

  it('serves admins and service keys the whole organization, members their groups', async () => {
    const all = [`${namespace}/eng_only`, `${namespace}/open`, `${namespace}/public_docs`];
    expect(namesOf(await officialList(t, '/v0.1/servers', admin))).toEqual(all);
    expect(namesOf(await officialList(t, '/v0.1/servers', keys.service))).toEqual(all);
    expect(namesOf(await officialList(t, '/v0.1/servers', keys.member))).toEqual([
      `${namespace}/eng_only`,
      `${namespace}/open`,
    ]);
    expect(namesOf(await officialList(t, '/v0.1/servers', keys.outsider))).toEqual([
      `${namespace}/open`,
    ]);
    expectOfficialNotFound(
      await t.request('GET', `/v0.1/servers/${encodedName(`${namespace}/eng_only`)}/versions`, {
        key: keys.outsider,
      }),
    );
  });

  it('gives viewers no URL and no package; access groups only to admins', async () => {
    const [viewed] = (await officialList(t, '/v0.1/servers?search=eng', keys.viewer)).servers;
    expect(viewed.server.name).toBe(`${namespace}/eng_only`);
    expect(viewed.server.remotes).toBeUndefined();
    const [member] = (await officialList(t, '/v0.1/servers?search=eng', keys.member)).servers;
    expect(member.server.remotes).toEqual([
      {
        type: 'sse',
        url: 'https://mcp.example.com/sse',
        headers: [
          expect.objectContaining({ name: 'Authorization', isSecret: true, isRequired: true }),
        ],
      },
    ]);
    expect(member._meta[OURS].accessGroups).toBeUndefined();
    const [adminView] = (await officialList(t, '/v0.1/servers?search=eng', admin)).servers;
    expect(adminView._meta[OURS].accessGroups).toEqual(['eng']);
    expect(JSON.stringify([viewed, member, adminView])).not.toContain('eng-secret-token');
  });

  it("never shows another organization's servers, by list or by name (404)", async () => {
    for (const key of [admin, keys.member, keys.service]) {
      const listed = await officialList(t, '/v0.1/servers?search=foreign', key);
      expect(listed.servers).toEqual([]);
      expectOfficialNotFound(
        await t.request(
          'GET',
          `/v0.1/servers/${encodedName(`${otherNamespace}/foreign`)}/versions`,
          {
            key,
          },
        ),
      );
      expectOfficialNotFound(
        await t.request('GET', `/orgs/${otherNamespace}/v0.1/servers`, { key }),
      );
    }
    // The platform admin reads every organization, and names resolve in any of them.
    const everything = await officialList(t, '/v0.1/servers?search=foreign&limit=100', t.adminKey);
    expect(namesOf(everything)).toContain(`${otherNamespace}/foreign`);
  });

  it('answers 401 with a WWW-Authenticate challenge and RFC 9728 metadata without a key', async () => {
    for (const path of [
      '/v0.1/servers',
      `/v0.1/servers/${encodedName(`${namespace}/open`)}/versions/latest`,
      `/orgs/${namespace}/v0.1/servers`,
      `/v0.1/orgs/${namespace}/servers`,
      '/orgs/com.nobody/v0.1/servers',
    ]) {
      const res = await t.request('GET', path, { key: null });
      expect([path, res.status, res.body.error.code]).toEqual([
        path,
        401,
        'AUTHENTICATION_REQUIRED',
      ]);
      expect(res.headers.get('www-authenticate')).toBe(
        `Bearer resource_metadata="${t.url}/.well-known/oauth-protected-resource"`,
      );
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
    const bad = await t.request('GET', `/orgs/${namespace}/v0.1/servers`, { key: 'ak_not_a_key' });
    expect([bad.status, bad.body.error.code]).toEqual([401, 'INVALID_API_KEY']);
    const metadata = await t.request('GET', '/.well-known/oauth-protected-resource', { key: null });
    expect(metadata.status).toBe(200);
    expect(metadata.body).toEqual({
      resource: t.url,
      resource_name: 'MCP Registry',
      bearer_methods_supported: ['header'],
      resource_documentation: `${t.url}/docs`,
    });
  });

  it('serves the public catalog without a key once the organization opens it', async () => {
    const open = await t.request('PATCH', `/v1/organizations/${organizationId}`, {
      key: admin,
      body: { public_catalog: true },
    });
    expect([open.status, open.body.public_catalog]).toEqual([200, true]);
    for (const base of [`/orgs/${namespace}/v0.1`, `/v0.1/orgs/${namespace}`]) {
      const anonymous = await officialList(t, `${base}/servers`, null);
      expect(namesOf(anonymous)).toEqual([`${namespace}/public_docs`]);
      expect(anonymous.servers[0].server.remotes[0].url).toBe('https://mcp.example.com/sse');
      const one = await t.request(
        'GET',
        `${base}/servers/${encodedName(`${namespace}/public_docs`)}/versions/latest`,
        { key: null },
      );
      expect(one.status).toBe(200);
      expectServerResponse(one.body);
      expectOfficialNotFound(
        await t.request('GET', `${base}/servers/${encodedName(`${namespace}/open`)}/versions`, {
          key: null,
        }),
      );
    }
    // A member sees its own servers and the public catalog, through either door.
    expect(
      namesOf(await officialList(t, `/orgs/${namespace}/v0.1/servers`, keys.outsider)),
    ).toEqual([`${namespace}/open`, `${namespace}/public_docs`]);
    expect(namesOf(await officialList(t, '/v0.1/servers', keys.outsider))).toEqual([
      `${namespace}/open`,
      `${namespace}/public_docs`,
    ]);
    await t.request('PATCH', `/v1/organizations/${organizationId}`, {
      key: admin,
      body: { public_catalog: false },
    });
    const closed = await t.request('GET', `/orgs/${namespace}/v0.1/servers`, { key: null });
    expect(closed.status).toBe(401);
  });

  it('answers CORS preflights with 204 on every official route', async () => {
    for (const path of [
      '/v0.1/servers',
      `/v0.1/servers/${encodedName(`${namespace}/open`)}/versions`,
      `/v0.1/servers/${encodedName(`${namespace}/open`)}/versions/1.0.0`,
      `/orgs/${namespace}/v0.1/servers`,
      `/orgs/${namespace}/v0.1/servers/${encodedName(`${namespace}/open`)}/versions/latest`,
      `/v0.1/orgs/${namespace}/servers`,
    ]) {
      const res = await t.request('OPTIONS', path, {
        key: null,
        headers: {
          origin: 'https://vscode.dev',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
      expect([path, res.status]).toEqual([path, 204]);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-methods')).toBe('GET, OPTIONS');
      expect(res.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type');
    }
    const ok = await t.request('GET', '/v0.1/servers', { key: admin });
    expectServerList(ok.body);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('resolves names with dots, in any case of the alias, encoded or not', async () => {
    const name = `${namespace}/open`;
    for (const path of [
      `/v0.1/servers/${encodeURIComponent(name)}/versions/latest`,
      `/v0.1/servers/${name}/versions/latest`,
      `/v0.1/servers/${encodeURIComponent(`${namespace}/OPEN`)}/versions/1.0.0`,
    ]) {
      const res = await t.request('GET', path, { key: admin });
      expect([path, res.status]).toEqual([path, 200]);
      expectServerResponse(res.body);
      expect(res.body.server.name).toBe(name);
    }
    for (const path of [
      `/v0.1/servers/${encodeURIComponent(`${namespace.toUpperCase()}/open`)}/versions`,
      `/v0.1/servers/${encodeURIComponent(name)}/versions/9.9.9`,
      `/v0.1/servers/${encodeURIComponent(name)}`,
      '/v0.1/servers/nothing',
    ]) {
      expectOfficialNotFound(await t.request('GET', path, { key: admin }));
    }
  });
});
