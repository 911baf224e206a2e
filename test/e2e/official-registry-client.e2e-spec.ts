import { McpProber, ProbeResult } from '@app/mcp-probe';
import { createKey, createServer, orgWithKey, unique } from '../support/factories';
import { startMcpServer, RunningMcpServer } from '../support/mcp-servers';
import {
  encodedName,
  officialList,
  officialVersion,
} from '../support/official-registry/catalog-client';
import { reportSchemaCounts } from '../support/official-registry/official-schema';
import { startTestApp, TestApp } from '../support/test-app';

const prober = new McpProber({
  timeoutMs: 5_000,
  allowLoopback: true,
  denyPrivateNetworks: false,
  stdioEnabled: false,
  stdioAllowlist: [],
});

interface Remote {
  type: 'sse' | 'streamable-http';
  url: string;
  headers?: { name: string; isRequired?: boolean; isSecret?: boolean }[];
}

/**
 * What an MCP client (VS Code, Copilot) does with a registry: list the catalog, take the latest
 * version of a server, read its remote, fill in the headers it asks for with the user's own
 * secrets, and connect. Here the connection is our own prober doing initialize + tools/list.
 */
async function connectLikeAClient(
  t: TestApp,
  base: string,
  name: string,
  key: string | null,
  secrets: Record<string, string>,
): Promise<ProbeResult> {
  const catalog = await officialList(t, `${base}/servers?version=latest&limit=100`, key);
  const listed = catalog.servers.find((entry) => entry.server.name === name);
  expect(listed).toBeDefined();
  const latest = await officialVersion(t, name, 'latest', key, base);
  expect(latest._meta['io.modelcontextprotocol.registry/official'].isLatest).toBe(true);
  const [remote] = latest.server.remotes as Remote[];
  const headers: Record<string, string> = {};
  for (const header of remote.headers ?? []) {
    // The user's own secret for each header the entry asks for (none: nothing is sent).
    if (header.isRequired && secrets[header.name]) headers[header.name] = secrets[header.name];
  }
  return prober.probe({
    transport: remote.type === 'sse' ? 'sse' : 'streamable_http',
    url: remote.url,
    headers,
  });
}

describe('official registry API (v0.1): a real MCP client path', () => {
  let t: TestApp;
  let tokenServer: RunningMcpServer;
  let sseServer: RunningMcpServer;

  beforeAll(async () => {
    t = await startTestApp();
    tokenServer = await startMcpServer({
      transport: 'streamable_http',
      requireBearer: 'user-own-token-42',
      name: 'tokened',
    });
    sseServer = await startMcpServer({ transport: 'sse', name: 'public-sse' });
  });
  afterAll(async () => {
    reportSchemaCounts('official-registry-client');
    await Promise.all([tokenServer.close(), sseServer.close()]);
    await t.close();
  });

  it('lists, takes the latest remote and connects with the header it names (member key)', async () => {
    const { organizationId, key: admin } = await orgWithKey(t);
    const member = await createKey(t, { organizationId, role: 'member', accessGroups: ['tools'] });
    const alias = `tokened_${unique()}`;
    await createServer(t, admin, {
      server_name: 'Tokened',
      alias,
      transport: 'streamable_http',
      url: tokenServer.url,
      auth_type: 'bearer_token',
      credentials: { token: 'registry-probe-token' },
      mcp_access_groups: ['tools'],
      version: '3.1.0',
    });
    const name = `org-${organizationId.slice(4)}/${alias}`;
    const result = await connectLikeAClient(t, '/v0.1', name, member.key, {
      Authorization: 'Bearer user-own-token-42',
    });
    expect(result).toMatchObject({ ok: true, status: 'healthy' });
    expect(result.tools.map((tool) => tool.name)).toEqual(['echo', 'add', 'now']);
    expect(result.server_info?.name).toBe('tokened');
    // Without the header the remote asks for, the server refuses.
    const refused = await connectLikeAClient(t, '/v0.1', name, member.key, {});
    expect(refused).toMatchObject({ ok: false, error_kind: 'credentials_rejected' });
    const versions = await officialList(
      t,
      `/v0.1/servers/${encodedName(name)}/versions`,
      member.key,
    );
    expect(versions.servers.map((entry) => entry.server.version)).toEqual(['3.1.0']);
  });

  it('reads a public catalog without a key and connects to its SSE server', async () => {
    const { organizationId, key: admin } = await orgWithKey(t);
    const namespace = `dev.public${unique()}`;
    await t.request('PATCH', `/v1/organizations/${organizationId}`, {
      key: admin,
      body: { registry_namespace: namespace, public_catalog: true },
    });
    await createServer(t, admin, {
      server_name: 'Public SSE',
      alias: 'public_sse',
      transport: 'sse',
      url: sseServer.url,
      catalog_public: true,
    });
    const result = await connectLikeAClient(
      t,
      `/orgs/${namespace}/v0.1`,
      `${namespace}/public_sse`,
      null,
      {},
    );
    expect(result).toMatchObject({ ok: true, status: 'healthy' });
    expect(result.server_info?.name).toBe('public-sse');
  });
});
