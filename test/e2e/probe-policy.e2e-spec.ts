import { resolve } from 'node:path';
import { createServer, orgWithKey } from '../support/factories';
import { startMcpServer } from '../support/mcp-servers';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(30_000);

const STDIO_SERVER = resolve(__dirname, '../support/stdio-mcp-server.js');

describe('probe target policy (MCP_ALLOW_LOOPBACK=false, stdio disabled)', () => {
  let t: TestApp;
  let admin: string;
  let orgId: string;

  beforeAll(async () => {
    t = await startTestApp({
      MCP_ALLOW_LOOPBACK: 'false',
      STDIO_ENABLED: 'false',
      HEALTH_CHECK_TIMEOUT_MS: '1000',
    });
    ({ organizationId: orgId, key: admin } = await orgWithKey(t));
  });
  afterAll(async () => {
    await t.close();
  });

  async function registerAndProbe(body: Record<string, unknown>) {
    // stdio servers are defined by platform admins; the org admin still probes them.
    const stdio = body.transport === 'stdio';
    const created = await createServer(t, stdio ? null : admin, {
      ...(stdio ? { organization_id: orgId } : {}),
      ...body,
    });
    return t.request('POST', `/v1/mcp/server/${created.server_id}/health`, { key: admin });
  }

  it('refuses a loopback server without connecting to it', async () => {
    const server = await startMcpServer({ transport: 'streamable_http' });
    try {
      const res = await registerAndProbe({ transport: 'streamable_http', url: server.url });
      expect(res.body.status).toBe('unhealthy');
      expect(res.body.health_check_error).toMatch(/loopback/i);
      expect(server.connections).toBe(0);
      expect(server.requests).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('refuses the cloud metadata address without connecting (well within the timeout)', async () => {
    const started = Date.now();
    const res = await registerAndProbe({
      transport: 'sse',
      url: 'http://169.254.169.254/latest/meta-data/',
    });
    expect(Date.now() - started).toBeLessThan(500);
    expect(res.body.status).toBe('unhealthy');
    expect(res.body.health_check_error).toMatch(/metadata|link-local/i);
  });

  it('leaves a stdio server unknown, saying why, while stdio probing is disabled', async () => {
    const res = await registerAndProbe({
      transport: 'stdio',
      command: 'node',
      args: [STDIO_SERVER],
    });
    expect(res.body).toMatchObject({
      status: 'unknown',
      health_check_error: 'stdio servers are not probed: stdio probing is disabled',
      consecutive_failures: 0,
    });
  });
});
