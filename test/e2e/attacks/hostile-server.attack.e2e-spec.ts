import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createKey, createOrg } from '../../support/factories';
import { testTls } from '../../support/mcp-servers';
import { startTestApp, TestApp } from '../../support/test-app';
import { isAlive } from '../../support/processes';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS test server
const { startHostileServer } = require('../../support/hostile-mcp-server.js') as {
  startHostileServer: (options?: { tls?: { key: string; cert: string } }) => Promise<{
    url: string;
    stats(): Record<string, { responses: number; bytes: number; cutShort: number }>;
    close(): Promise<void>;
  }>;
};

jest.setTimeout(120_000);

const STDIO_SCRIPT = resolve(__dirname, '../../support/hostile-stdio-server.js');
const TIMEOUT_MS = 20_000;
// Well under the probe timeout: the read limits, not the deadline, end these probes.
const QUICK_MS = 6_000;

/**
 * A hostile tenant registers servers it controls that answer with huge bodies, endless streams,
 * oversized tool lists, or quote back the credentials they were sent. The probe must stay small
 * and fast, store bounded tools, and never store or log a credential in any form.
 */
describe('attack: a hostile MCP server against the prober', () => {
  const tls = testTls();
  let t: TestApp;
  let hostile: Awaited<ReturnType<typeof startHostileServer>>;
  let hostileTls: Awaited<ReturnType<typeof startHostileServer>>;
  let admin: string;
  let organizationId: string;

  beforeAll(async () => {
    t = await startTestApp({
      MCP_ALLOW_LOOPBACK: 'true',
      MCP_CA_FILE: tls.caFile,
      HEALTH_CHECK_TIMEOUT_MS: String(TIMEOUT_MS),
      HEALTH_WORKER_ENABLED: 'false',
      STDIO_ENABLED: 'true',
      STDIO_COMMAND_ALLOWLIST: 'node',
    });
    hostile = await startHostileServer();
    hostileTls = await startHostileServer({ tls: { key: tls.key, cert: tls.cert } });
    organizationId = (await createOrg(t)).organization_id;
    admin = (await createKey(t, { organizationId, role: 'org_admin' })).key;
  });
  afterAll(async () => {
    await t.close();
    await hostile.close();
    await hostileTls.close();
  });

  async function register(body: Record<string, unknown>, key = admin): Promise<string> {
    const suffix = randomBytes(4).toString('hex');
    const res = await t.request('POST', '/v1/mcp/server', {
      key,
      body: { server_name: `Hostile ${suffix}`, transport: 'streamable_http', ...body },
    });
    expect(res.status).toBe(201);
    return res.body.server_id;
  }

  async function probe(id: string) {
    const started = performance.now();
    const res = await t.request('POST', `/v1/mcp/server/${id}/health`, { key: admin });
    expect(res.status).toBe(200);
    return { body: res.body, ms: performance.now() - started };
  }

  async function expectTooLarge(path: string): Promise<void> {
    const id = await register({ url: `${hostile.url}${path}` });
    const { body, ms } = await probe(id);
    expect(body.status).toBe('unhealthy');
    expect(body.health_check_error).toMatch(/^response too large: /);
    expect(ms).toBeLessThan(QUICK_MS);
    const stored = await t.request('GET', `/v1/mcp/server/${id}`, { key: admin });
    expect(stored.body).toMatchObject({ status: 'unhealthy', tool_count: null });
    expect(stored.body.health_check_error).toBe(body.health_check_error);
  }

  it('answers a 300 MB initialize body with "response too large", reading a few MB of it', async () => {
    await expectTooLarge('/huge-initialize?mb=300');
    const stat = hostile.stats()['/huge-initialize'];
    expect(stat.bytes).toBeLessThan(16 * 1024 * 1024);
  });

  it('answers an SSE event that never ends with "response too large"', async () => {
    await expectTooLarge('/endless-sse');
  });

  it('answers an endless stream of small SSE events with "response too large"', async () => {
    await expectTooLarge('/sse-flood');
  });

  it('answers a 50 MB tools/list (1 MB descriptions) with "response too large"', async () => {
    await expectTooLarge('/huge-tools?mb=50');
  });

  it('stores at most 10,000 tools, names cut to 128 and descriptions to 2,000', async () => {
    const id = await register({ url: `${hostile.url}/long-tools` });
    const { body } = await probe(id);
    expect(body.status).toBe('healthy');
    expect(body.tool_count).toBe(10_000);
    const res = await t.request('GET', `/v1/mcp/server/${id}/tools`, { key: admin });
    const tools: { name: string; description: string | null }[] = res.body.tools;
    expect(tools).toHaveLength(10_000);
    expect(Math.max(...tools.map((tool) => tool.name.length))).toBe(128);
    expect(Math.max(...tools.map((tool) => tool.description?.length ?? 0))).toBe(2_000);
  });

  it('kills a stdio child that prints one endless line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-stdio-'));
    try {
      const pidFile = join(dir, 'pid');
      const id = await register(
        {
          organization_id: organizationId,
          transport: 'stdio',
          command: 'node',
          args: [STDIO_SCRIPT],
          env: { HOSTILE_STDIO_MODE: 'endless-line', HOSTILE_STDIO_PIDFILE: pidFile },
        },
        t.adminKey,
      );
      const { body, ms } = await probe(id);
      expect(body.status).toBe('unhealthy');
      expect(body.health_check_error).toMatch(/^response too large: a message was larger than/);
      expect(ms).toBeLessThan(QUICK_MS);
      expect(existsSync(pidFile)).toBe(true);
      expect(isAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('a server that quotes back the credentials it was sent', () => {
    const username = `robot-${randomBytes(3).toString('hex')}`;
    const password = `Pw:${randomBytes(6).toString('base64url')}/+?&`;
    const token = `tok_${randomBytes(12).toString('hex')}`;
    const pair = `${username}:${password}`;
    const forms = [
      pair,
      username,
      password,
      Buffer.from(pair).toString('base64'),
      encodeURIComponent(password),
      Buffer.from(password).toString('base64'),
      Buffer.from(password).toString('hex'),
      token,
      Buffer.from(token).toString('base64'),
      Buffer.from(token).toString('hex'),
    ];
    function expectNoSecret(text: string): void {
      for (const form of forms) expect(text.toLowerCase()).not.toContain(form.toLowerCase());
    }

    it('never stores nor shows Basic credentials in health_check_error, in any form', async () => {
      const id = await register({
        url: `${hostile.url}/echo-auth-error`,
        auth_type: 'basic',
        credentials: { username, password },
      });
      const { body } = await probe(id);
      expect(body.status).toBe('unhealthy');
      expect(body.health_check_error).toContain('[redacted]');
      expectNoSecret(JSON.stringify(body));
      const viewer = await createKey(t, { organizationId, role: 'viewer' });
      for (const route of [`/v1/mcp/server/${id}`, `/v1/mcp/server/health?server_ids=${id}`]) {
        const res = await t.request('GET', route, { key: viewer.key });
        expect(res.status).toBe(200);
        expectNoSecret(res.text);
      }
      expectNoSecret(t.logs.join('\n'));
    });

    it('never stores a bearer token quoted in the server name or tool descriptions', async () => {
      const id = await register({
        url: `${hostile.url}/echo-auth`,
        auth_type: 'bearer_token',
        credentials: { token },
      });
      const { body } = await probe(id);
      expect(body.status).toBe('healthy');
      expect(body.server_info.name).toContain('[redacted]');
      expectNoSecret(JSON.stringify(body));
      const tools = await t.request('GET', `/v1/mcp/server/${id}/tools`, { key: admin });
      expect(tools.body.tools.length).toBeGreaterThan(1);
      expectNoSecret(tools.text);
    });

    it('never stores the credentials in a configuration test errorMessage', async () => {
      const created = await t.request('POST', '/v1/mcp-configurations', {
        key: admin,
        body: {
          name: `Echo ${randomBytes(4).toString('hex')}`,
          server_url: `${hostileTls.url}/echo-auth-error`,
          transport_type: 'streamable_http',
          auth_type: 'bearer_token',
          credentials: { token },
          organization_id: organizationId,
        },
      });
      expect(created.status).toBe(201);
      const id = created.body.id;
      const res = await t.request('POST', `/v1/mcp-configurations/${id}/test`, { key: admin });
      expect(res.body.connectionStatus).toBe('error');
      expect(res.body.errorMessage).toContain('[redacted]');
      expectNoSecret(res.text);
      const stored = await t.request('GET', `/v1/mcp-configurations/${id}`, { key: admin });
      expect(stored.body.errorMessage).toBe(res.body.errorMessage);
      expectNoSecret(t.logs.join('\n'));
    });
  });
});
