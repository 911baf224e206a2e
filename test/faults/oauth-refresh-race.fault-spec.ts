import { randomBytes } from 'node:crypto';
import { utcDate } from '@app/dal';
import { AppProcess, startAppProcess } from '../support/app-process';
import { createKey, createOrg } from '../support/factories';
import { RunningMcpServer, startMcpServer, testTls } from '../support/mcp-servers';
import { RunningOAuthServer, startOAuthServer } from '../support/oauth-server';
import { createSuiteDatabase, SuiteDatabase } from '../support/test-database';
import { waitFor } from '../support/wait';
import { startTestApp, TestApp } from '../support/test-app';
import { startWorkerProcess, WorkerProcess } from '../support/worker-process';

const CLIENT_ID = 'race-client';
const CLIENT_SECRET = `cs_${randomBytes(12).toString('hex')}`;
/** Every token answer is held this long, so refreshes that start together overlap. */
const TOKEN_DELAY_MS = 1_500;
const INTERVAL_S = 6;

/**
 * Separate processes probing one server whose access token has expired, against one database
 * and one authorization server that rotates refresh tokens (a refresh token works once): exactly
 * one of them calls the token endpoint; the others wait for its result and use the new token,
 * so every probe is healthy and the stored refresh token is the one the server issued last.
 * (Two background checkers never probe one server in the same interval, by the claims; the race
 * is between processes that probe it at once: API replicas on demand, and a worker's round.)
 */
describe('one refresh per expiry across processes', () => {
  const tls = testTls();
  let database: SuiteDatabase;
  let t: TestApp;
  let as: RunningOAuthServer;
  let mcp: RunningMcpServer;
  const apis: AppProcess[] = [];
  let worker: WorkerProcess | null = null;

  beforeAll(async () => {
    as = await startOAuthServer({ tls: { key: tls.key, cert: tls.cert }, delayMs: TOKEN_DELAY_MS });
    as.addClient(CLIENT_ID, CLIENT_SECRET);
    mcp = await startMcpServer({
      transport: 'streamable_http',
      acceptBearer: (token) => as.isValid(token),
    });
    database = await createSuiteDatabase();
    t = await startTestApp({ MCP_CA_FILE: tls.caFile }, { database });
    const env = {
      MCP_CA_FILE: tls.caFile,
      HEALTH_CHECK_TIMEOUT_MS: '5000',
      CREDENTIALS_ENCRYPTION_KEYS: t.config.crypto.encryptionKeys,
      CREDENTIALS_ACTIVE_KEY_ID: t.config.crypto.activeKeyId,
      DB_MIGRATIONS_RUN: 'false',
    };
    apis.push(
      ...(await Promise.all([0, 1].map(() => startAppProcess({ databaseUrl: database.url, env })))),
    );
  }, 120_000);
  afterAll(async () => {
    await worker?.stop(5_000);
    for (const api of apis) await api.stop(5_000);
    await t?.close();
    await mcp?.close();
    await as?.close();
    await database?.drop();
  });

  async function expiredServer(admin: string) {
    const refreshToken = as.issueRefreshToken(CLIENT_ID);
    const suffix = randomBytes(3).toString('hex');
    const res = await t.request('POST', '/v1/mcp/server', {
      key: admin,
      body: {
        server_name: `Race ${suffix}`,
        alias: `race_${suffix}`,
        transport: 'streamable_http',
        url: mcp.url,
        auth_type: 'oauth',
        credentials: {
          access_token: as.issueAccessToken(-60),
          refresh_token: refreshToken,
          expires_at: new Date(Date.now() - 60_000).toISOString(),
          token_url: as.tokenUrl,
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
        },
      },
    });
    expect(res.status).toBe(201);
    return { id: res.body.server_id as string, refreshToken };
  }

  const refreshes = (refreshToken: string) =>
    as.callsOf('refresh_token').filter((call) => call.params.refresh_token === refreshToken);

  async function refreshedEvents(admin: string, id: string) {
    const audit = await t.request(
      'GET',
      `/v1/audit-events?action=credentials.refreshed&resource_id=${id}`,
      { key: admin },
    );
    return audit.body.audit_events as unknown[];
  }

  it('two API processes probing at once make one refresh call, and both are healthy', async () => {
    const organizationId = (await createOrg(t)).organization_id;
    const admin = (await createKey(t, { organizationId, role: 'org_admin' })).key;
    const { id, refreshToken } = await expiredServer(admin);

    const results = await Promise.all(
      apis.map((api) =>
        api.request('POST', `/v1/mcp/server/${id}/health`, { key: admin, timeoutMs: 15_000 }),
      ),
    );
    for (const res of results) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'healthy', health_check_error: null });
    }
    // Both waited out the one (slow) refresh: they overlapped.
    for (const res of results) expect(res.ms).toBeGreaterThanOrEqual(TOKEN_DELAY_MS);
    expect(refreshes(refreshToken)).toHaveLength(1);
    expect(as.callsOf('refresh_token').filter((call) => call.status !== 200)).toEqual([]);
    expect(await refreshedEvents(admin, id)).toHaveLength(1);
  }, 60_000);

  it('a health worker and an API process racing on one expiring token make one refresh call', async () => {
    worker = await startWorkerProcess({
      databaseUrl: database.url,
      env: {
        MCP_CA_FILE: tls.caFile,
        HEALTH_CHECK_INTERVAL_S: String(INTERVAL_S),
        HEALTH_CHECK_TIMEOUT_MS: '5000',
        CREDENTIALS_ENCRYPTION_KEYS: t.config.crypto.encryptionKeys,
        CREDENTIALS_ACTIVE_KEY_ID: t.config.crypto.activeKeyId,
      },
    });
    const organizationId = (await createOrg(t)).organization_id;
    const admin = (await createKey(t, { organizationId, role: 'org_admin' })).key;
    // Due at once: the worker claims it at its next poll (every interval / 8 = 750 ms), while
    // the API process probes it on demand; the refresh is held 1.5 s, so the two overlap.
    const createdAt = Date.now();
    const { id, refreshToken } = await expiredServer(admin);
    const onDemand = await apis[0].request('POST', `/v1/mcp/server/${id}/health`, {
      key: admin,
      timeoutMs: 15_000,
    });
    expect(onDemand.body).toMatchObject({ status: 'healthy' });

    // The worker's own result: written with the next due time, healthy.
    await waitFor(
      async () => {
        const [row] = await t.dataSource.query(
          'SELECT status, next_check_at, claim_owner FROM mcp_servers WHERE server_id = ?',
          [id],
        );
        const next = row.next_check_at ? (utcDate.from(row.next_check_at) as Date).getTime() : 0;
        return row.claim_owner === null && next > createdAt + INTERVAL_S * 500;
      },
      15_000,
      { pollMs: 50, what: "the worker's result" },
    );
    const read = await t.request('GET', `/v1/mcp/server/${id}`, { key: admin });
    expect(read.body).toMatchObject({ status: 'healthy', consecutive_failures: 0 });
    expect(refreshes(refreshToken)).toHaveLength(1);
    expect(await refreshedEvents(admin, id)).toHaveLength(1);
    expect(worker.output.join('\n')).not.toContain(CLIENT_SECRET);
  }, 60_000);
});
