import { createServer, orgWithKey, unique } from '../support/factories';
import { allPages, encodedName, officialList } from '../support/official-registry/catalog-client';
import { reportSchemaCounts } from '../support/official-registry/official-schema';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Paging, search and the query rules of GET /v0.1/servers, and the organization's namespace
 * setting (validation, uniqueness, audit, renaming every entry).
 */
describe('official registry API (v0.1): pages, search and namespaces', () => {
  let t: TestApp;
  let organizationId: string;
  let admin: string;
  let namespace: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ organizationId, key: admin } = await orgWithKey(t));
    namespace = `org-${organizationId.slice(4)}`;
    const aliases = Array.from({ length: 250 }, (_, i) => `srv_${String(i).padStart(3, '0')}`);
    for (let i = 0; i < aliases.length; i += 10) {
      await Promise.all(
        aliases.slice(i, i + 10).map((alias) =>
          createServer(t, admin, {
            server_name: `Server ${alias}`,
            alias,
            description: alias.endsWith('7') ? 'Weather forecasts' : 'Plain server',
          }),
        ),
      );
    }
  });
  afterAll(async () => {
    reportSchemaCounts('official-registry-paging');
    await t.close();
  });

  it('lists 250 servers in 3 pages of at most 100, without a duplicate or a gap', async () => {
    const first = await officialList(t, '/v0.1/servers?limit=100', admin);
    expect(first.metadata).toEqual({ count: 100, nextCursor: expect.any(String) });
    const { pages, servers } = await allPages(t, '/v0.1/servers?limit=100', admin);
    expect(pages).toBe(3);
    const names = servers.map((entry) => entry.server.name);
    expect(new Set(names).size).toBe(250);
    expect(names).toEqual(
      Array.from({ length: 250 }, (_, i) => `${namespace}/srv_${String(i).padStart(3, '0')}`),
    );
    const last = await officialList(
      t,
      `/v0.1/servers?limit=100&cursor=${encodeURIComponent(
        (
          await officialList(
            t,
            `/v0.1/servers?limit=100&cursor=${encodeURIComponent(first.metadata.nextCursor!)}`,
            admin,
          )
        ).metadata.nextCursor!,
      )}`,
      admin,
    );
    expect(last.metadata).toEqual({ count: 50 });
    // The default page is 30.
    expect((await officialList(t, '/v0.1/servers', admin)).metadata.count).toBe(30);
  });

  it('keeps pages whole while servers are added between them', async () => {
    const first = await officialList(t, '/v0.1/servers?limit=100', admin);
    await createServer(t, admin, { server_name: 'Added early', alias: 'aaa_added' });
    await createServer(t, admin, { server_name: 'Added late', alias: 'zzz_added' });
    const rest = await allPages(t, '/v0.1/servers?limit=100', admin, first.metadata.nextCursor);
    const names = [...first.servers, ...rest.servers].map((entry) => entry.server.name);
    expect(new Set(names).size).toBe(names.length);
    // Everything listed at the start is there once; the later one after the cursor too.
    expect(names).toEqual(expect.arrayContaining([`${namespace}/srv_000`, `${namespace}/srv_249`]));
    expect(names).toContain(`${namespace}/zzz_added`);
    expect(names).not.toContain(`${namespace}/aaa_added`);
  });

  it('searches names and descriptions, any case, with LIKE characters taken literally', async () => {
    const weather = await allPages(t, '/v0.1/servers?search=WEATHER&limit=100', admin);
    expect(weather.servers).toHaveLength(25);
    const byName = await officialList(t, '/v0.1/servers?search=srv_12', admin);
    expect(byName.servers.map((entry) => entry.server.name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `${namespace}/srv_12${i}`),
    );
    const spanning = await officialList(
      t,
      `/v0.1/servers?search=${encodeURIComponent(`${namespace.slice(-4)}/srv_24`)}`,
      admin,
    );
    expect(spanning.servers).toHaveLength(10);
    expect((await officialList(t, '/v0.1/servers?search=%25', admin)).servers).toEqual([]);
    expect((await officialList(t, '/v0.1/servers?search=srv%5F00', admin)).servers).toHaveLength(
      10,
    );
  });

  it('refuses bad query values with a 400 naming the field', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
      ['updated_since=yesterday', 'updated_since'],
      ['include_deleted=maybe', 'include_deleted'],
      ['organization_id=org_abc', 'organization_id'],
    ]) {
      const res = await t.request('GET', `/v0.1/servers?${query}`, { key: admin });
      expect([query, res.status, res.body.error.details.fields[0].field]).toEqual([
        query,
        400,
        field,
      ]);
    }
  });

  it('lets the org admin choose a namespace: validated, unique, audited, every name follows', async () => {
    const other = await orgWithKey(t);
    const chosen = `com.paging${unique()}`;
    for (const bad of [
      'Com.Acme',
      'acme',
      'com..acme',
      '-com.acme',
      'org-other1',
      'a'.repeat(101),
    ]) {
      const res = await t.request('PATCH', `/v1/organizations/${organizationId}`, {
        key: admin,
        body: { registry_namespace: bad },
      });
      expect([bad, res.status, res.body.error.details.fields[0].field]).toEqual([
        bad,
        400,
        'registry_namespace',
      ]);
    }
    const set = await t.request('PATCH', `/v1/organizations/${organizationId}`, {
      key: admin,
      body: { registry_namespace: chosen },
    });
    expect(set.status).toBe(200);
    const taken = await t.request('PATCH', `/v1/organizations/${other.organizationId}`, {
      key: other.key,
      body: { registry_namespace: chosen },
    });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'CONFLICT']);
    const renamed = await officialList(
      t,
      `/v0.1/servers/${encodedName(`${chosen}/srv_001`)}/versions`,
      admin,
    );
    expect(renamed.servers[0].server.name).toBe(`${chosen}/srv_001`);
    const audit = await t.request(
      'GET',
      `/v1/audit-events?action=organization.update&resource_id=${organizationId}`,
      { key: admin },
    );
    expect(audit.body.audit_events[0].changes).toEqual({
      registry_namespace: { from: namespace, to: chosen },
    });
    // Back to the default: the id-derived namespace again.
    const back = await t.request('PATCH', `/v1/organizations/${organizationId}`, {
      key: admin,
      body: { registry_namespace: namespace },
    });
    expect([back.status, back.body.registry_namespace]).toEqual([200, namespace]);
    const read = await t.request('GET', `/v1/organizations/${organizationId}`, { key: admin });
    expect(read.body).toMatchObject({ registry_namespace: namespace, public_catalog: false });
    const foreign = await t.request('PATCH', `/v1/organizations/${other.organizationId}`, {
      key: admin,
      body: { public_catalog: true },
    });
    expect(foreign.status).toBe(404);
  });
});
