import { createServer, orgWithKey, unique } from '../support/factories';
import {
  allPages,
  encodedName,
  officialList,
  officialVersion,
} from '../support/official-registry/catalog-client';
import {
  expectOfficialNotFound,
  expectServerResponse,
  officialSchemaNames,
  reportSchemaCounts,
} from '../support/official-registry/official-schema';
import { startTestApp, TestApp } from '../support/test-app';

const OFFICIAL = 'io.modelcontextprotocol.registry/official';
const OURS = 'io.mcp-registry/server';

/**
 * The official MCP registry read API (v0.1): the registry's servers in the official shape, their
 * versions and tombstones, every answer validated against the official schemas.
 */
describe('official registry API (v0.1): entries and versions', () => {
  let t: TestApp;
  let admin: string;
  let organizationId: string;
  const namespace = `com.acme${unique()}`;

  beforeAll(async () => {
    t = await startTestApp();
    ({ organizationId, key: admin } = await orgWithKey(t));
    const patched = await t.request('PATCH', `/v1/organizations/${organizationId}`, {
      key: admin,
      body: { registry_namespace: namespace },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.registry_namespace).toBe(namespace);
  });
  afterAll(async () => {
    reportSchemaCounts('official-registry');
    await t.close();
  });

  it('compiles every official schema of the fixture in strict mode', () => {
    expect(officialSchemaNames()).toEqual(
      expect.arrayContaining(['ServerList', 'ServerResponse', 'ServerDetail', 'Package']),
    );
  });

  it('serves a server as the official ServerResponse: name, remotes with header names, _meta', async () => {
    const long = 'A'.repeat(150);
    await createServer(t, admin, {
      server_name: 'GitHub MCP',
      alias: 'github',
      description: long,
      auth_type: 'api_key',
      credentials: { api_key: 'super-secret-key-1', header_name: 'X-Tenant-Key' },
      url: 'https://mcp.example.com/sse',
      mcp_info: { server_name: 'GitHub', logo_url: 'https://mcp.example.com/logo.png' },
      mcp_access_groups: ['engineering'],
    });
    const entry = await officialVersion(t, `${namespace}/github`, 'latest', admin);
    expect(entry.server).toEqual({
      name: `${namespace}/github`,
      description: `${'A'.repeat(99)}…`,
      title: 'GitHub MCP',
      version: '1.0.0',
      icons: [{ src: 'https://mcp.example.com/logo.png', mimeType: 'image/png' }],
      remotes: [
        {
          type: 'sse',
          url: 'https://mcp.example.com/sse',
          headers: [
            { name: 'X-Tenant-Key', description: 'API key', isRequired: true, isSecret: true },
          ],
        },
      ],
    });
    expect(entry._meta[OFFICIAL]).toEqual({
      status: 'active',
      publishedAt: expect.any(String),
      updatedAt: expect.any(String),
      isLatest: true,
    });
    expect(entry._meta[OURS]).toMatchObject({
      serverId: expect.any(String),
      status: 'unknown',
      lastHealthCheck: null,
      accessGroups: ['engineering'],
    });
    expect(JSON.stringify(entry)).not.toContain('super-secret-key-1');
  });

  it('describes stdio servers run with npx or uvx as packages', async () => {
    const npx = await createServer(t, null, {
      organization_id: organizationId,
      server_name: `Everything ${unique()}`,
      transport: 'stdio',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-everything@2025.9.12', 'stdio'],
      env: { API_TOKEN: 'env-secret-value' },
    });
    const entry = await officialVersion(t, `${namespace}/${npx.alias}`, '1.0.0', admin);
    expect(entry.server.remotes).toBeUndefined();
    expect(entry.server.packages).toEqual([
      {
        registryType: 'npm',
        registryBaseUrl: 'https://registry.npmjs.org',
        identifier: '@modelcontextprotocol/server-everything',
        version: '2025.9.12',
        runtimeHint: 'npx',
        transport: { type: 'stdio' },
        packageArguments: [{ type: 'positional', value: 'stdio' }],
        environmentVariables: [{ name: 'API_TOKEN', isRequired: true, isSecret: true }],
      },
    ]);
    expect(JSON.stringify(entry)).not.toContain('env-secret-value');
    const uvx = await createServer(t, null, {
      organization_id: organizationId,
      server_name: `Fetch ${unique()}`,
      transport: 'stdio',
      command: 'uvx',
      args: ['mcp-server-fetch==0.6.2'],
    });
    const fetched = await officialVersion(t, `${namespace}/${uvx.alias}`, 'latest', admin);
    expect(fetched.server.packages).toEqual([
      expect.objectContaining({
        registryType: 'pypi',
        identifier: 'mcp-server-fetch',
        version: '0.6.2',
      }),
    ]);
    const node = await createServer(t, null, {
      organization_id: organizationId,
      server_name: `Local ${unique()}`,
      transport: 'stdio',
      command: 'node',
      args: ['server.js'],
    });
    const local = await officialVersion(t, `${namespace}/${node.alias}`, 'latest', admin);
    expect(local.server.packages).toBeUndefined();
    expect(local.server.remotes).toBeUndefined();
  });

  it('keeps versions: a PUT with the same version changes it in place, a new one is the latest', async () => {
    const server = await createServer(t, admin, {
      server_name: 'Versioned',
      alias: 'versioned',
      description: 'first',
      version: '1.0.0',
    });
    const name = `${namespace}/versioned`;
    const put = (body: Record<string, unknown>) =>
      t.request('PUT', '/v1/mcp/server', {
        key: admin,
        body: {
          server_id: server.server_id,
          server_name: 'Versioned',
          alias: 'versioned',
          transport: 'sse',
          url: 'https://mcp.example.com/sse',
          ...body,
        },
      });
    expect((await put({ description: 'first, edited' })).status).toBe(202);
    let versions = await officialList(t, `/v0.1/servers/${encodedName(name)}/versions`, admin);
    expect(
      versions.servers.map((entry) => [entry.server.version, entry.server.description]),
    ).toEqual([['1.0.0', 'first, edited']]);
    const edited = await put({ description: 'second', version: '2.0.0+build.7' });
    expect([edited.status, edited.body.version]).toEqual([202, '2.0.0+build.7']);
    versions = await officialList(t, `/v0.1/servers/${encodedName(name)}/versions`, admin);
    expect(
      versions.servers.map((entry) => [
        entry.server.version,
        entry.server.description,
        entry._meta[OFFICIAL].isLatest,
      ]),
    ).toEqual([
      ['2.0.0+build.7', 'second', true],
      ['1.0.0', 'first, edited', false],
    ]);
    const latest = await officialVersion(t, name, 'latest', admin);
    expect([latest.server.version, latest._meta[OFFICIAL].isLatest]).toEqual([
      '2.0.0+build.7',
      true,
    ]);
    // The version's "+" URL-encoded, as the official paths ask.
    const exact = await officialVersion(t, name, '2.0.0+build.7', admin);
    expect(exact.server.description).toBe('second');
    const older = await officialVersion(t, name, '1.0.0', admin);
    expect(older._meta[OFFICIAL].isLatest).toBe(false);
    // A PUT without version keeps the current one.
    expect((await put({ description: 'third' })).body.version).toBe('2.0.0+build.7');
    // Only the latest of each name with version=latest.
    const onlyLatest = await officialList(
      t,
      `/v0.1/servers?version=latest&search=versioned`,
      admin,
    );
    expect(onlyLatest.servers.map((entry) => entry.server.version)).toEqual(['2.0.0+build.7']);
  });

  it('keeps a deleted server as a tombstone: hidden by default, "deleted" since updated_since', async () => {
    const server = await createServer(t, admin, { server_name: 'Doomed', alias: 'doomed' });
    const before = new Date(Date.now() - 1000).toISOString();
    const name = `${namespace}/doomed`;
    expect(
      (await t.request('DELETE', `/v1/mcp/server/${server.server_id}`, { key: admin })).status,
    ).toBe(202);
    const listed = await allPages(t, '/v0.1/servers', admin);
    expect(listed.servers.map((entry) => entry.server.name)).not.toContain(name);
    const changed = await allPages(
      t,
      `/v0.1/servers?updated_since=${encodeURIComponent(before)}`,
      admin,
    );
    const tombstone = changed.servers.find((entry) => entry.server.name === name);
    expect(tombstone._meta[OFFICIAL].status).toBe('deleted');
    expect(tombstone.server.remotes).toBeUndefined();
    const withDeleted = await allPages(t, '/v0.1/servers?include_deleted=true', admin);
    expect(withDeleted.servers.map((entry) => entry.server.name)).toContain(name);
    expectOfficialNotFound(
      await t.request('GET', `/v0.1/servers/${encodedName(name)}/versions/latest`, { key: admin }),
    );
    const kept = await t.request(
      'GET',
      `/v0.1/servers/${encodedName(name)}/versions/latest?include_deleted=true`,
      { key: admin },
    );
    expect(kept.status).toBe(200);
    expectServerResponse(kept.body);
    expect(kept.body._meta[OFFICIAL]).toMatchObject({ status: 'deleted', isLatest: true });
  });
});
