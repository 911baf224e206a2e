import { createConfiguration, createKey, createOrg, createServer } from '../support/factories';
import { RunningMcpServer, startMcpServer, startPlainHttpServer } from '../support/mcp-servers';
import { TcpProxy } from '../support/tcp-proxy';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

jest.setTimeout(30_000);

async function deadUrl(): Promise<string> {
  const web = await startPlainHttpServer();
  await web.close();
  return `${web.url}mcp`;
}

describe('CI gate on the background checker (GET /v1/health/mcp?fail_on_unhealthy=true)', () => {
  let t: TestApp;
  let mcp: RunningMcpServer;
  let proxy: TcpProxy;

  beforeAll(async () => {
    t = await startTestApp({
      HEALTH_WORKER_ENABLED: 'true',
      HEALTH_CHECK_INTERVAL_S: '1',
      HEALTH_CHECK_TIMEOUT_MS: '1000',
    });
    mcp = await startMcpServer({ transport: 'streamable_http' });
    proxy = new TcpProxy('127.0.0.1', Number(new URL(mcp.url).port));
    await proxy.start();
  });
  afterAll(async () => {
    await t.close();
    await proxy.stop();
    await mcp.close();
  });

  it('answers 200 while every server is healthy, 503 with the summary once one goes down, and 200 again when it is back', async () => {
    const org = await createOrg(t);
    const organizationId = org.organization_id;
    const admin = (await createKey(t, { organizationId, role: 'org_admin' })).key;
    const monitor = (await createKey(t, { organizationId, role: 'health_monitor' })).key;
    const flaky = await createServer(t, admin, {
      transport: 'streamable_http',
      url: `http://127.0.0.1:${proxy.port}/mcp`,
    });
    await createServer(t, admin, { transport: 'sse', url: (await startSse()).url });
    const gate = () => t.request('GET', '/v1/health/mcp?fail_on_unhealthy=true', { key: monitor });

    await waitFor(async () => (await gate()).body.healthy === 2, 5000);
    const green = await gate();
    expect(green.status).toBe(200);
    expect(green.body).toEqual({
      total: 2,
      healthy: 2,
      unhealthy: 0,
      unknown: 0,
      auth_failures: 0,
      unhealthy_servers: [],
      drifted: 0,
      drifted_servers: [],
    });

    await proxy.stop();
    await waitFor(async () => (await gate()).status === 503, 5000);
    const red = await gate();
    expect(red.body.success).toBe(false);
    expect(red.body.error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      type: 'unavailable_error',
      status: 503,
      message: '1 of 2 monitored MCP servers are unhealthy',
      details: {
        total: 2,
        healthy: 1,
        unhealthy: 1,
        unknown: 0,
        auth_failures: 0,
        unhealthy_servers: [
          {
            server_id: flaky.server_id,
            server_name: flaky.server_name,
            organization_id: organizationId,
            health_check_error: 'connection refused',
            health_check_error_kind: 'unreachable',
            last_health_check: expect.stringMatching(/Z$/),
          },
        ],
      },
    });
    expect(red.headers.get('x-request-id')).toBe(red.body.error.trace_id);
    // Without the flag it is a plain report.
    const report = await t.request('GET', '/v1/health/mcp', { key: monitor });
    expect(report.status).toBe(200);
    expect(report.body.unhealthy).toBe(1);

    await proxy.start(proxy.port);
    await waitFor(async () => (await gate()).status === 200, 5000);
    expect((await gate()).body).toMatchObject({ total: 2, healthy: 2, unhealthy: 0 });
  });

  const sseServers: RunningMcpServer[] = [];
  async function startSse(): Promise<RunningMcpServer> {
    const server = await startMcpServer({ transport: 'sse' });
    sseServers.push(server);
    return server;
  }
  afterAll(async () => {
    await Promise.all(sseServers.map((server) => server.close()));
  });
});

describe('health summary scope and metrics', () => {
  let t: TestApp;
  let mcp: RunningMcpServer;

  beforeAll(async () => {
    t = await startTestApp({ HEALTH_CHECK_TIMEOUT_MS: '1000' });
    mcp = await startMcpServer({ transport: 'streamable_http' });
  });
  afterAll(async () => {
    await t.close();
    await mcp.close();
  });

  async function orgWithServers(healthy: number, unhealthy: number, disabled = 0) {
    const org = await createOrg(t);
    const organizationId = org.organization_id;
    const admin = (await createKey(t, { organizationId, role: 'org_admin' })).key;
    const ids: string[] = [];
    for (let i = 0; i < healthy; i++) {
      ids.push(
        (await createServer(t, admin, { transport: 'streamable_http', url: mcp.url })).server_id,
      );
    }
    for (let i = 0; i < unhealthy; i++) {
      ids.push(
        (await createServer(t, admin, { transport: 'streamable_http', url: await deadUrl() }))
          .server_id,
      );
    }
    for (let i = 0; i < disabled; i++) {
      await createServer(t, admin, {
        transport: 'streamable_http',
        url: await deadUrl(),
        health_check_enabled: false,
      });
    }
    for (const id of ids) {
      expect((await t.request('POST', `/v1/mcp/server/${id}/health`, { key: admin })).status).toBe(
        200,
      );
    }
    return { organizationId, admin };
  }

  it("counts only the key's organization, and the servers whose checks are enabled", async () => {
    const mine = await orgWithServers(2, 1, 1);
    await orgWithServers(1, 2);
    const organizationId = mine.organizationId;
    const monitor = (await createKey(t, { organizationId, role: 'health_monitor' })).key;
    const service = (await createKey(t, { organizationId, role: 'service' })).key;
    const member = (await createKey(t, { organizationId, role: 'member' })).key;

    for (const key of [monitor, service, mine.admin]) {
      const res = await t.request('GET', '/v1/health/mcp', { key });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 3, healthy: 2, unhealthy: 1, unknown: 0 });
      expect(res.body.unhealthy_servers).toHaveLength(1);
    }
    expect((await t.request('GET', '/v1/health/mcp', { key: member })).status).toBe(403);

    const platform = await t.request('GET', `/v1/health/mcp?organization_id=${organizationId}`);
    expect(platform.body).toMatchObject({ total: 3, healthy: 2, unhealthy: 1 });
    const everything = await t.request('GET', '/v1/health/mcp');
    expect(everything.body.total).toBeGreaterThanOrEqual(6);

    const other = await createOrg(t);
    const foreign = await t.request(
      'GET',
      `/v1/health/mcp?organization_id=${other.organization_id}`,
      { key: monitor },
    );
    expect(foreign.status).toBe(404);
    expect((await t.request('GET', '/v1/health/mcp?organization_id=org_nope123')).status).toBe(404);
    const bad = await t.request('GET', '/v1/health/mcp?fail_on_unhealthy=maybe', { key: monitor });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toEqual([
      { field: 'fail_on_unhealthy', message: 'must be true or false' },
    ]);
  });

  it('serves Prometheus metrics to health monitors: request latency by route template and status, probe outcomes', async () => {
    const { organizationId, admin } = await orgWithServers(1, 1);
    const monitor = (await createKey(t, { organizationId, role: 'health_monitor' })).key;
    const member = (await createKey(t, { organizationId, role: 'member' })).key;

    const anonymous = await t.request('GET', '/metrics', { key: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('AUTHENTICATION_REQUIRED');
    expect((await t.request('GET', '/metrics', { key: member })).status).toBe(403);
    await t.request('GET', '/v1/mcp/server/does-not-exist', { key: admin });
    // A connection test of a custom configuration counts in the same metrics as registry probes.
    const configuration = await createConfiguration(t, admin, organizationId, {
      server_url: (await deadUrl()).replace(/^http:/, 'https:'),
      auth_type: 'none',
      credentials: undefined,
    });
    const tested = await t.request('POST', `/v1/mcp-configurations/${configuration.id}/test`, {
      key: admin,
    });
    expect(tested.status).toBe(200);

    const res = await t.request('GET', '/metrics', { key: monitor });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/v1\/mcp\/server\/:server_id\/health",status_code="200"\} \d+/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/v1\/mcp\/server\/:server_id",status_code="404"\} 1/,
    );
    expect(text).not.toContain('does-not-exist');
    expect(text).toMatch(
      /mcp_probes_total\{transport="streamable_http",status="healthy",error_kind="none",source="on_demand",protocol_era="legacy"\} \d+/,
    );
    expect(text).toMatch(
      /mcp_probes_total\{transport="streamable_http",status="unhealthy",error_kind="unreachable",source="on_demand",protocol_era="none"\} \d+/,
    );
    expect(text).toMatch(
      /mcp_probes_total\{transport="streamable_http",status="unhealthy",error_kind="unreachable",source="configuration_test",protocol_era="none"\} 1/,
    );
    expect(text).toMatch(/mcp_probe_duration_seconds_bucket\{[^}]*transport="streamable_http"/);
    expect(text).toContain('# TYPE mcp_health_checker_lag_seconds histogram');
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

describe('public metrics (METRICS_PUBLIC=true)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ METRICS_PUBLIC: 'true' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves /metrics without a key', async () => {
    await t.request('GET', '/health/live', { key: null });
    const res = await t.request('GET', '/metrics', { key: null });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/health\/live",status_code="200"\} 1/,
    );
  });
});
