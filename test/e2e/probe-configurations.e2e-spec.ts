import { randomBytes } from 'node:crypto';
import { createConfiguration, createKey, orgWithKey, unique } from '../support/factories';
import { RunningMcpServer, startMcpServer, testTls } from '../support/mcp-servers';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(30_000);

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('custom configuration connection tests (POST …/test, GET …/tools) over HTTPS', () => {
  const tls = testTls();
  const token = `ghp_${randomBytes(16).toString('hex')}`;
  let t: TestApp;
  let secured: RunningMcpServer;
  let withApiKey: RunningMcpServer;

  beforeAll(async () => {
    t = await startTestApp({ MCP_CA_FILE: tls.caFile, HEALTH_CHECK_TIMEOUT_MS: '2000' });
    secured = await startMcpServer({
      transport: 'sse',
      tls: { key: tls.key, cert: tls.cert },
      requireBearer: token,
      name: 'github-like',
    });
    withApiKey = await startMcpServer({
      transport: 'streamable_http',
      tls: { key: tls.key, cert: tls.cert },
      requireHeader: { name: 'X-Custom-Key', value: 'custom-secret-value' },
    });
  });
  afterAll(async () => {
    await t.close();
    await secured.close();
    await withApiKey.close();
  });

  /** A configuration of the GitHub-like server, with its bearer token unless overridden. */
  async function createGithubLike(
    key: string,
    organizationId: string,
    overrides: Record<string, unknown> = {},
  ): Promise<string> {
    const created = await createConfiguration(t, key, organizationId, {
      name: `Production GitHub ${unique()}`,
      server_url: secured.url,
      transport_type: 'sse',
      credentials: { type: 'bearer', token },
      ...overrides,
    });
    return created.id;
  }

  it('connects with the stored bearer token, returns server info and tools, and records the connection', async () => {
    const { organizationId, key: admin } = await orgWithKey(t);
    const id = await createGithubLike(admin, organizationId);

    const res = await t.request('POST', `/v1/mcp-configurations/${id}/test`, { key: admin });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id,
      connectionStatus: 'connected',
      latency_ms: expect.any(Number),
      server_info: { name: 'github-like', version: '1.0.0', protocol_version: '2025-11-25' },
      protocol_version: '2025-11-25',
      protocol_era: 'legacy',
      transport_deprecated: true,
      tools: [
        { name: 'echo', description: 'Echo the given text back' },
        { name: 'add', description: 'Add two numbers' },
        { name: 'now', description: 'Tell the current time' },
      ],
      errorMessage: null,
      lastConnectedAt: expect.stringMatching(ISO),
    });
    expect(secured.lastHeaders?.authorization).toBe(`Bearer ${token}`);

    const stored = await t.request('GET', `/v1/mcp-configurations/${id}`, { key: admin });
    expect(stored.body).toMatchObject({
      connectionStatus: 'connected',
      lastConnectedAt: res.body.lastConnectedAt,
      errorMessage: null,
    });
    expect(stored.body.updated_at).toBe(stored.body.created_at);
    expect(res.text).not.toContain(token);
    expect(t.logs.join('\n')).not.toContain(token);
  });

  it('sends an api_key credential in its own header', async () => {
    const { organizationId, key: admin } = await orgWithKey(t);
    const id = await createGithubLike(admin, organizationId, {
      server_url: withApiKey.url,
      transport_type: 'streamable_http',
      auth_type: 'api_key',
      credentials: { type: 'api_key', api_key: 'custom-secret-value', header_name: 'X-Custom-Key' },
    });
    const res = await t.request('POST', `/v1/mcp-configurations/${id}/test`, { key: admin });
    expect(res.body).toMatchObject({ connectionStatus: 'connected', errorMessage: null });
    expect(res.body.tools).toHaveLength(3);
  });

  it('says the credentials were rejected for a wrong token, keeping the last successful connection and its tools', async () => {
    const { organizationId, key: admin } = await orgWithKey(t);
    const id = await createGithubLike(admin, organizationId);
    const ok = await t.request('POST', `/v1/mcp-configurations/${id}/test`, { key: admin });
    expect(ok.body.connectionStatus).toBe('connected');

    const patch = await t.request('PATCH', `/v1/mcp-configurations/${id}`, {
      key: admin,
      body: { credentials: { type: 'bearer', token: 'wrong-token-123' } },
    });
    expect(patch.status).toBe(200);
    const rejected = await t.request('POST', `/v1/mcp-configurations/${id}/test`, { key: admin });
    expect(rejected.body).toEqual({
      id,
      connectionStatus: 'error',
      latency_ms: null,
      server_info: null,
      // Refused before any protocol was agreed on; the transport is HTTP+SSE all the same.
      protocol_version: null,
      protocol_era: null,
      transport_deprecated: true,
      tools: [],
      errorMessage: 'credentials were rejected by the server (HTTP 401)',
      lastConnectedAt: ok.body.lastConnectedAt,
    });
    const stored = await t.request('GET', `/v1/mcp-configurations/${id}`, { key: admin });
    expect(stored.body).toMatchObject({
      connectionStatus: 'error',
      errorMessage: 'credentials were rejected by the server (HTTP 401)',
      lastConnectedAt: ok.body.lastConnectedAt,
    });
    const tools = await t.request('GET', `/v1/mcp-configurations/${id}/tools`, { key: admin });
    expect(tools.body.tools).toHaveLength(3);
  });

  it('reports a server that is gone as disconnected', async () => {
    const { organizationId, key: admin } = await orgWithKey(t);
    const gone = await startMcpServer({ transport: 'sse', tls: { key: tls.key, cert: tls.cert } });
    await gone.close();
    const id = await createGithubLike(admin, organizationId, {
      server_url: gone.url,
      auth_type: 'none',
      credentials: undefined,
    });
    const res = await t.request('POST', `/v1/mcp-configurations/${id}/test`, { key: admin });
    expect(res.body).toMatchObject({
      connectionStatus: 'disconnected',
      errorMessage: 'connection refused',
      lastConnectedAt: null,
    });
  });

  it('lists the discovered tools, only the allowed ones while the tool configuration is enabled', async () => {
    const { organizationId, key: admin } = await orgWithKey(t);
    const id = await createGithubLike(admin, organizationId, {
      tool_configuration: { enabled: true, allowed_tools: ['now', 'echo', 'not_offered'] },
    });
    const before = await t.request('GET', `/v1/mcp-configurations/${id}/tools`, { key: admin });
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      id,
      tools: [],
      withheld_tools: [],
      tools_drift: null,
      lastConnectedAt: null,
    });

    await t.request('POST', `/v1/mcp-configurations/${id}/test`, { key: admin });
    const filtered = await t.request('GET', `/v1/mcp-configurations/${id}/tools`, { key: admin });
    expect(filtered.body).toEqual({
      id,
      tools: [
        { name: 'echo', description: 'Echo the given text back' },
        { name: 'now', description: 'Tell the current time' },
      ],
      withheld_tools: [],
      tools_drift: ['none'],
      lastConnectedAt: expect.stringMatching(ISO),
    });

    await t.request('PATCH', `/v1/mcp-configurations/${id}`, {
      key: admin,
      body: { tool_configuration: { enabled: false, allowed_tools: ['now'] } },
    });
    const all = await t.request('GET', `/v1/mcp-configurations/${id}/tools`, { key: admin });
    expect(all.body.tools.map((tool: { name: string }) => tool.name)).toEqual([
      'echo',
      'add',
      'now',
    ]);
  });

  it('follows the configuration rules: other organizations get 404, members test only their own, viewers only read', async () => {
    const { organizationId, key: admin } = await orgWithKey(t);
    const owner = await createKey(t, { organizationId, role: 'member' });
    const otherMember = (await createKey(t, { organizationId, role: 'member' })).key;
    const viewer = (await createKey(t, { organizationId, role: 'viewer' })).key;
    const service = (await createKey(t, { organizationId, role: 'service' })).key;
    const id = await createGithubLike(owner.key, organizationId);
    const test = (key: string) => t.request('POST', `/v1/mcp-configurations/${id}/test`, { key });
    const tools = (key: string) => t.request('GET', `/v1/mcp-configurations/${id}/tools`, { key });

    expect((await test(owner.key)).body.connectionStatus).toBe('connected');
    const notTheirs = await test(otherMember);
    expect(notTheirs.status).toBe(403);
    expect(notTheirs.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
    expect((await test(viewer)).status).toBe(403);
    expect((await test(service)).status).toBe(200);
    expect((await test(admin)).status).toBe(200);
    for (const key of [owner.key, otherMember, viewer, service]) {
      expect((await tools(key)).status).toBe(200);
    }

    const stranger = await orgWithKey(t);
    for (const res of [await test(stranger.key), await tools(stranger.key)]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    expect((await test(t.adminKey)).status).toBe(200);

    await t.request('DELETE', `/v1/mcp-configurations/${id}`, { key: admin });
    expect((await test(admin)).status).toBe(404);
    expect((await tools(admin)).status).toBe(404);
  });
});
