import { Client } from 'undici';
import { startHangingServer, type HangingServer } from '../support/mcp-servers';
import { createSuiteDatabase, type SuiteDatabase } from '../support/test-database';
import { startAppProcess, type AppProcess } from '../support/app-process';
import { queryNumber } from '../support/db-query';
import { testKeyringSpec } from '../support/test-app';

const ORG = 'org_faultshutdown';
const CLIENTS = 32;
const SHUTDOWN_TIMEOUT_MS = 8_000;
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

interface Outcome {
  kind: 'get' | 'create';
  serverId: string;
  status: number;
  connectionClose: boolean;
  body: string;
  requestId: string | undefined;
}

interface LoadResult {
  outcomes: Outcome[];
  errors: { kind: string; code: string; at: number }[];
  /** Clients whose connection ended with a `Connection: close` answer. */
  closedByServer: number;
}

function serverBody(serverId: string, url: string) {
  return {
    organization_id: ORG,
    server_id: serverId,
    server_name: `Fault ${serverId}`,
    alias: serverId,
    description: `created under shutdown load ${serverId}`,
    transport: 'streamable_http',
    url,
    mcp_access_groups: ['faults'],
    env: { REGION: 'eu' },
  };
}

/**
 * One keep-alive connection per client, each sending GETs and creates back to back until the
 * server closes the connection (an answer with `Connection: close`) or a request fails.
 */
function runLoad(
  app: AppProcess,
  seedId: string,
  probeUrl: string,
  stopped: () => boolean,
): { result: LoadResult; done: Promise<LoadResult> } {
  const result: LoadResult = { outcomes: [], errors: [], closedByServer: 0 };
  let sequence = 0;
  const client = async (n: number) => {
    const connection = new Client(app.url, { pipelining: 1, keepAliveTimeout: 60_000 });
    try {
      for (let i = 0; !stopped(); i++) {
        const create = i % 2 === 1;
        const serverId = create ? `sd_${n}_${sequence++}` : seedId;
        try {
          const res = await connection.request({
            method: create ? 'POST' : 'GET',
            path: create ? '/v1/mcp/server' : `/v1/mcp/server/${seedId}`,
            headers: { 'x-api-key': app.adminKey, 'content-type': 'application/json' },
            body: create ? JSON.stringify(serverBody(serverId, probeUrl)) : undefined,
          });
          const outcome: Outcome = {
            kind: create ? 'create' : 'get',
            serverId,
            status: res.statusCode,
            connectionClose: String(res.headers.connection ?? '').toLowerCase() === 'close',
            body: await res.body.text(),
            requestId: res.headers['x-request-id'] as string | undefined,
          };
          result.outcomes.push(outcome);
          if (outcome.connectionClose) {
            result.closedByServer++;
            return;
          }
        } catch (error) {
          const code = (error as { code?: string }).code ?? (error as Error).name;
          result.errors.push({ kind: create ? 'create' : 'get', code, at: Date.now() });
          return;
        }
      }
    } finally {
      await connection.close().catch(() => undefined);
    }
  };
  const done = Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n))).then(() => result);
  return { result, done };
}

async function probesInFlight(app: AppProcess): Promise<number> {
  const metrics = await app.request('GET', '/metrics');
  const line = /^mcp_health_checker_in_flight (\d+)/m.exec(metrics.text);
  return line ? Number(line[1]) : 0;
}

describe('SIGTERM under 32 keep-alive clients (real app process)', () => {
  let database: SuiteDatabase;
  let hanging: HangingServer;
  let app: AppProcess | undefined;
  let verifier: AppProcess | undefined;

  beforeAll(async () => {
    database = await createSuiteDatabase();
    hanging = await startHangingServer();
  });

  afterAll(async () => {
    await app?.stop(1_000);
    await verifier?.stop();
    await hanging.close();
    await database.drop();
  });

  it('resets no request, answers late ones with the 503 envelope and Connection: close, exits 0 in time, and keeps every 201', async () => {
    const keyring = testKeyringSpec();
    app = await startAppProcess({
      databaseUrl: database.url,
      env: {
        CREDENTIALS_ENCRYPTION_KEYS: keyring,
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        // The checker runs too, with probes that hang until their timeout when SIGTERM comes.
        HEALTH_WORKER_ENABLED: 'true',
        HEALTH_CHECK_INTERVAL_S: '1',
        HEALTH_CHECK_TIMEOUT_MS: '2000',
        METRICS_PUBLIC: 'true',
      },
    });
    const org = await app.request('POST', '/v1/organizations', {
      body: { name: 'Shutdown faults', organization_id: ORG },
    });
    expect(org.status).toBe(201);
    const seed = await app.request('POST', '/v1/mcp/server', {
      body: serverBody('sd_seed', hanging.url),
    });
    expect(seed.status).toBe(201);

    let stopLoad = false;
    const load = runLoad(app, 'sd_seed', hanging.url, () => stopLoad);
    // Every client has had answers on its connection before the signal (a slow machine waits longer).
    const warming = Date.now();
    while (load.result.outcomes.length < 3 * CLIENTS && Date.now() - warming < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // SIGTERM while the checker holds claims on probes that hang until their timeout.
    const probing = Date.now();
    while ((await probesInFlight(app)) === 0 && Date.now() - probing < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await probesInFlight(app)).toBeGreaterThan(0);
    const signalledAt = Date.now();
    app.child.kill('SIGTERM');
    const exitCode = await app.exited;
    const exitMs = Date.now() - signalledAt;
    stopLoad = true;
    const { outcomes, errors, closedByServer } = await load.done;

    const counts: Record<string, number> = {};
    for (const o of outcomes)
      counts[`${o.kind} ${o.status}`] = (counts[`${o.kind} ${o.status}`] ?? 0) + 1;
    const resets = errors.filter((e) => RESET_CODES.has(e.code));
    console.log(
      JSON.stringify({
        exitCode,
        exitMs,
        counts,
        errors: errors.length,
        resets: resets.length,
        closedByServer,
      }),
    );
    if (errors.length > 0 || exitCode !== 0) {
      console.log(errors.map((e) => `${e.kind} ${e.code} +${e.at - signalledAt}ms`).join('\n'));
      console.log(app.output().slice(-40).join('\n'));
    }

    expect(resets).toEqual([]);
    expect(errors).toEqual([]);
    expect(exitCode).toBe(0);
    expect(exitMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(closedByServer).toBe(CLIENTS);
    for (const o of outcomes) {
      if (o.status === 503) {
        expect(o.connectionClose).toBe(true);
        const envelope = JSON.parse(o.body) as { error: { code: string; trace_id: string } };
        expect(envelope.error.code).toBe('SERVICE_UNAVAILABLE');
        expect(envelope.error.trace_id).toBe(o.requestId);
      } else {
        expect(o.status).toBe(o.kind === 'create' ? 201 : 200);
      }
    }
    const created = outcomes.filter((o) => o.kind === 'create' && o.status === 201);
    const refused = outcomes.filter((o) => o.kind === 'create' && o.status === 503);
    expect(created.length).toBeGreaterThan(0);

    // The checker stopped cleanly: no claim is left behind.
    expect(
      await queryNumber(
        database.url,
        'SELECT COUNT(*) AS n FROM mcp_servers WHERE claim_owner IS NOT NULL',
      ),
    ).toBe(0);

    // A second app on the same database: every 201 is a full row, every refused create absent.
    verifier = await startAppProcess({
      databaseUrl: database.url,
      env: { CREDENTIALS_ENCRYPTION_KEYS: keyring },
    });
    for (const o of created) {
      const res = await verifier.request('GET', `/v1/mcp/server/${o.serverId}`);
      expect(res.status).toBe(200);
      const expected = serverBody(o.serverId, hanging.url);
      expect(res.body).toMatchObject({
        server_id: o.serverId,
        server_name: expected.server_name,
        alias: expected.alias,
        description: expected.description,
        url: expected.url,
        mcp_access_groups: expected.mcp_access_groups,
        env: { REGION: '****' },
      });
    }
    for (const o of refused) {
      const res = await verifier.request('GET', `/v1/mcp/server/${o.serverId}`);
      expect(res.status).toBe(404);
    }
  });
});
