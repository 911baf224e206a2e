import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createKey, createOrg, createServer, unique } from '../support/factories';
import { startHangingServer, startMcpServer, startPlainHttpServer } from '../support/mcp-servers';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { isAlive } from '../support/processes';

const STDIO_SERVER = resolve(__dirname, '../support/stdio-mcp-server.js');
const TIMEOUT_MS = 1000;

describe('probe a registry server now (POST /v1/mcp/server/{id}/health)', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    t = await startTestApp({
      HEALTH_CHECK_TIMEOUT_MS: String(TIMEOUT_MS),
      STDIO_ENABLED: 'true',
      STDIO_COMMAND_ALLOWLIST: 'node',
    });
    dir = mkdtempSync(join(tmpdir(), 'health-probe-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The org admin probes; stdio servers of its organization are defined by the platform admin. */
  const organizationOfKey = new Map<string, string>();
  async function orgWithAdmin() {
    const org = await createOrg(t);
    const admin = await createKey(t, { organizationId: org.organization_id, role: 'org_admin' });
    organizationOfKey.set(admin.key, org.organization_id);
    return { org, admin: admin.key };
  }

  async function register(adminKey: string, body: Record<string, unknown>): Promise<string> {
    const stdio = body.transport === 'stdio';
    const server = await createServer(t, stdio ? null : adminKey, {
      ...(stdio ? { organization_id: organizationOfKey.get(adminKey) } : {}),
      ...body,
    });
    return server.server_id;
  }

  async function probe(adminKey: string, serverId: string) {
    return t.request('POST', `/v1/mcp/server/${encodeURIComponent(serverId)}/health`, {
      key: adminKey,
    });
  }

  describe('a healthy server on every transport', () => {
    it.each([['streamable_http'], ['sse']] as const)(
      'probes a %s server: healthy, its tools and count, a latency, and the server shows it',
      async (transport) => {
        const { admin } = await orgWithAdmin();
        const server = await startMcpServer({ transport, name: `health-${transport}` });
        try {
          const id = await register(admin, { transport, url: server.url });
          const res = await probe(admin, id);
          expect(res.status).toBe(200);
          expect(res.body).toEqual({
            server_id: id,
            status: 'healthy',
            last_health_check: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
            health_check_error: null,
            health_check_error_kind: null,
            latency_ms: expect.any(Number),
            tool_count: 3,
            consecutive_failures: 0,
            tools: [
              { name: 'echo', description: 'Echo the given text back' },
              { name: 'add', description: 'Add two numbers' },
              { name: 'now', description: 'Tell the current time' },
            ],
            server_info: {
              name: `health-${transport}`,
              version: '1.0.0',
              protocol_version: '2025-06-18',
            },
            // SDK 1.x servers: the 2025 handshake at the registration's spec_version.
            protocol_version: '2025-06-18',
            protocol_era: 'legacy',
            transport_deprecated: transport === 'sse',
            // The first listing of a server is its baseline (TOOL_BASELINE_AUTO).
            tools_fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
            tools_drift: ['none'],
            drift_detected_at: null,
          });
          expect(res.body.latency_ms).toBeGreaterThan(0);

          const read = await t.request('GET', `/v1/mcp/server/${id}`, { key: admin });
          expect(read.body).toMatchObject({
            status: 'healthy',
            last_health_check: res.body.last_health_check,
            health_check_error: null,
            tool_count: 3,
            latency_ms: res.body.latency_ms,
            consecutive_failures: 0,
          });
          const tools = await t.request('GET', `/v1/mcp/server/${id}/tools`, { key: admin });
          expect(tools.body.tools.map((tool: { name: string }) => tool.name)).toEqual([
            'echo',
            'add',
            'now',
          ]);
        } finally {
          await server.close();
        }
      },
    );

    it('probes a stdio server with its stored env, and lists its tools afterwards', async () => {
      const { admin } = await orgWithAdmin();
      const id = await register(admin, {
        transport: 'stdio',
        command: 'node',
        args: [STDIO_SERVER],
        env: { PROBE_SECRET_SETTING: 'not-in-any-response' },
      });
      const res = await probe(admin, id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'healthy',
        health_check_error: null,
        tool_count: 2,
        server_info: { name: 'stdio-test-server', version: '2.1.0' },
      });
      // The server describes the names of the variables it got: the stored env reached it.
      const envTool = res.body.tools.find((tool: { name: string }) => tool.name === 'env_keys');
      expect(envTool.description).toContain('PROBE_SECRET_SETTING');
      expect(res.text).not.toContain('not-in-any-response');

      const tools = await t.request('GET', `/v1/mcp/server/${id}/tools`, { key: admin });
      expect(tools.body.tools.map((tool: { name: string }) => tool.name)).toEqual([
        'echo',
        'env_keys',
      ]);
    });
  });

  describe('failures, each with its own kind of error', () => {
    it('reports a server with nothing listening as unreachable', async () => {
      const { admin } = await orgWithAdmin();
      const gone = await startPlainHttpServer();
      const url = gone.url;
      await gone.close();
      const id = await register(admin, { transport: 'streamable_http', url: `${url}mcp` });
      const res = await probe(admin, id);
      expect(res.body).toMatchObject({
        status: 'unhealthy',
        health_check_error: 'connection refused',
        latency_ms: null,
        tool_count: null,
        consecutive_failures: 1,
        tools: [],
        server_info: null,
      });
    });

    it('gives up on a server that accepts and never answers after the timeout, with no socket left open', async () => {
      const { admin } = await orgWithAdmin();
      const hanging = await startHangingServer();
      try {
        const id = await register(admin, { transport: 'streamable_http', url: hanging.url });
        const started = Date.now();
        const res = await probe(admin, id);
        const elapsed = Date.now() - started;
        expect(res.body).toMatchObject({
          status: 'unhealthy',
          health_check_error: `timed out after ${TIMEOUT_MS} ms`,
        });
        expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS);
        expect(elapsed).toBeLessThan(TIMEOUT_MS + 2000);
        expect(hanging.connections).toBeGreaterThan(0);
        await waitFor(() => hanging.openSockets() === 0, 1000, { what: 'no socket open' });
      } finally {
        await hanging.close();
      }
    });

    it('kills a stdio server that never answers once the timeout passes', async () => {
      const { admin } = await orgWithAdmin();
      const pidFile = join(dir, `hang-${unique()}.pid`);
      const id = await register(admin, {
        transport: 'stdio',
        command: 'node',
        args: [STDIO_SERVER],
        env: { MCP_STDIO_HANG: '1', MCP_STDIO_PIDFILE: pidFile },
      });
      const started = Date.now();
      const res = await probe(admin, id);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2000);
      expect(res.body).toMatchObject({
        status: 'unhealthy',
        health_check_error: `timed out after ${TIMEOUT_MS} ms`,
      });
      expect(existsSync(pidFile)).toBe(true);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      await waitFor(() => !isAlive(pid), 2000, { what: 'the stdio child gone' });
    });

    it('reports a plain web server as not an MCP server', async () => {
      const { admin } = await orgWithAdmin();
      const web = await startPlainHttpServer();
      try {
        const id = await register(admin, { transport: 'streamable_http', url: web.url });
        const res = await probe(admin, id);
        expect(res.body.status).toBe('unhealthy');
        expect(res.body.health_check_error).toMatch(/not MCP|no MCP endpoint/);
        expect(web.requests).toBeGreaterThan(0);
      } finally {
        await web.close();
      }
    });

    it('says credentials were rejected for a wrong bearer token, and turns healthy with the right one', async () => {
      const { admin } = await orgWithAdmin();
      const token = `tok_${randomBytes(12).toString('hex')}`;
      const server = await startMcpServer({ transport: 'streamable_http', requireBearer: token });
      try {
        const body = { transport: 'streamable_http', url: server.url, auth_type: 'bearer_token' };
        const id = await register(admin, {
          ...body,
          credentials: { type: 'bearer', token: 'wrong-token-value' },
        });
        const first = await probe(admin, id);
        const second = await probe(admin, id);
        expect(first.body).toMatchObject({ status: 'unhealthy', consecutive_failures: 1 });
        expect(second.body).toMatchObject({ status: 'unhealthy', consecutive_failures: 2 });
        expect(second.body.health_check_error).toBe(
          'credentials were rejected by the server (HTTP 401)',
        );
        expect(server.lastHeaders?.authorization).toBe('Bearer wrong-token-value');

        const current = await t.request('GET', `/v1/mcp/server/${id}`, { key: admin });
        const {
          created_at: _c,
          created_by: _cb,
          updated_at: _u,
          updated_by: _ub,
          teams: _t,
          status: _s,
          last_health_check: _l,
          health_check_error: _e,
          tool_count: _tc,
          latency_ms: _lm,
          consecutive_failures: _cf,
          has_credentials: _h,
          protocol_version: _pv,
          protocol_era: _pe,
          transport_deprecated: _td,
          tools_fingerprint: _tf,
          tools_drift: _tdr,
          drift_detected_at: _dd,
          ...writable
        } = current.body;
        const put = await t.request('PUT', '/v1/mcp/server', {
          key: admin,
          body: { ...writable, credentials: { type: 'bearer', token } },
        });
        expect(put.status).toBe(202);

        const fixed = await probe(admin, id);
        expect(fixed.body).toMatchObject({
          status: 'healthy',
          health_check_error: null,
          consecutive_failures: 0,
          tool_count: 3,
        });
        expect(JSON.stringify([first.body, second.body, fixed.body])).not.toContain(token);
        expect(t.logs.join('\n')).not.toContain(token);
      } finally {
        await server.close();
      }
    });
  });

  describe('who may probe', () => {
    it('lets members probe servers they can see, hides the others (404), refuses viewers, and lets health monitors probe any server of their organization', async () => {
      const { org, admin } = await orgWithAdmin();
      const server = await startMcpServer({ transport: 'streamable_http' });
      try {
        const open = await register(admin, { transport: 'streamable_http', url: server.url });
        const restricted = await register(admin, {
          transport: 'streamable_http',
          url: server.url,
          mcp_access_groups: ['secret-team'],
        });
        const organizationId = org.organization_id;
        const member = (await createKey(t, { organizationId, role: 'member' })).key;
        const viewer = (await createKey(t, { organizationId, role: 'viewer' })).key;
        const monitor = (await createKey(t, { organizationId, role: 'health_monitor' })).key;
        const service = (await createKey(t, { organizationId, role: 'service' })).key;

        expect((await probe(member, open)).body.status).toBe('healthy');
        const hidden = await probe(member, restricted);
        expect(hidden.status).toBe(404);
        expect(hidden.body.error.code).toBe('NOT_FOUND');
        expect((await probe(viewer, open)).status).toBe(403);
        expect((await probe(monitor, restricted)).body.status).toBe('healthy');
        expect((await probe(service, restricted)).body.status).toBe('healthy');

        const other = await orgWithAdmin();
        expect((await probe(other.admin, open)).status).toBe(404);
        const otherOrgParam = await t.request(
          'POST',
          `/v1/mcp/server/${open}/health?organization_id=${other.org.organization_id}`,
          { key: admin },
        );
        expect(otherOrgParam.status).toBe(404);
        expect((await probe(t.adminKey, restricted)).body.status).toBe('healthy');
        expect((await probe(admin, 'no-such-server')).status).toBe(404);
      } finally {
        await server.close();
      }
    });
  });
});
