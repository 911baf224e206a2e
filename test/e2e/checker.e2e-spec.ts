import { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { randomBytes } from 'node:crypto';
import { Agent, createServer, IncomingMessage, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { aliasKeyOf, McpServerEntity, serverNameKeyOf, utcDate } from '@app/dal';
import { HealthMetrics, ProbeRunner } from '@app/health-checker';
import type { ProbeResult } from '@app/mcp-probe';
import { createHealthWorker } from '../../apps/health-worker/src/health-worker.factory';
import { HealthWorkerModule } from '../../apps/health-worker/src/health-worker.module';
import { createOrg } from '../support/factories';
import { MultiPathMcpServer, startMultiPathMcpServer } from '../support/mcp-servers';
import { startTestApp, TestApp } from '../support/test-app';

const SERVERS = 200;
const INTERVAL_S = 2;
/**
 * Both replicas and the MCP servers share this one test process and its one CPU thread (and the
 * machine may be busy with other suites), so a round of 200 probes takes a second or more here;
 * the interval must be well above that for "once per interval" to be what is measured.
 */
const SPLIT_INTERVAL_S = 5;
const TIMEOUT_MS = 1000;
const CONCURRENCY = 10;
/** HealthCheckerService's CLAIM_MARGIN_MS: a claim lives for the probe timeout plus this. */
const CLAIM_MARGIN_MS = 3000;
const CHECKER_ENV = {
  HEALTH_CHECK_INTERVAL_S: String(INTERVAL_S),
  HEALTH_CHECK_TIMEOUT_MS: String(TIMEOUT_MS),
  HEALTH_CHECK_CONCURRENCY: String(CONCURRENCY),
};

/**
 * In front of the many-server MCP process: counts the `initialize` requests (one per probe) each
 * MCP path receives, and when.
 */
interface CountingProxy {
  url(index: number): string;
  probesOf(index: number): number[];
  close(): Promise<void>;
}

async function startCountingProxy(upstream: MultiPathMcpServer): Promise<CountingProxy> {
  const target = new URL(upstream.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const probes = new Map<string, number[]>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0];
      if (/"method"\s*:\s*"initialize"/.test(body.toString('utf8'))) {
        const times = probes.get(path) ?? [];
        times.push(Date.now());
        probes.set(path, times);
      }
      const forward = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
          agent,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (index) => `http://127.0.0.1:${port}/mcp/${index}`,
    probesOf: (index) => probes.get(`/mcp/${index}`) ?? [],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/** Registers servers straight in the table, as if created long ago and never checked. */
async function insertServers(
  dataSource: DataSource,
  organizationId: string,
  urlOf: (index: number) => string,
): Promise<string[]> {
  const now = new Date();
  const tag = randomBytes(3).toString('hex');
  const rows: McpServerEntity[] = Array.from({ length: SERVERS }, (_, index) => {
    const name = `Bulk ${tag} ${index}`;
    const alias = `bulk_${tag}_${index}`;
    return {
      serverId: `bulk-${tag}-${index}`,
      organizationId,
      serverName: name,
      serverNameKey: serverNameKeyOf(name),
      alias,
      aliasKey: aliasKeyOf(alias),
      description: null,
      transport: 'streamable_http',
      specVersion: '2025-06-18',
      authType: 'none',
      url: urlOf(index),
      mcpInfo: {
        server_name: null,
        description: null,
        logo_url: null,
        mcp_server_cost_info: { default_cost_per_query: 0, tool_name_to_cost_per_query: {} },
      },
      command: null,
      args: [],
      envKeys: [],
      envSealed: null,
      credentialKeys: null,
      credentialsSealed: null,
      allowedTools: [],
      hasAccessGroups: false,
      healthCheckEnabled: true,
      createdAt: now,
      createdBy: 'usr_bulk',
      updatedAt: now,
      updatedBy: 'usr_bulk',
      version: 1,
      status: 'unknown',
      lastHealthCheck: null,
      healthCheckError: null,
      toolCount: null,
      latencyMs: null,
      consecutiveFailures: 0,
      discoveredTools: null,
      nextCheckAt: null,
      claimOwner: null,
      claimExpiresAt: null,
    };
  });
  // Taken before inserting: TypeORM may write values back into the entities it inserts.
  const ids = rows.map((row) => row.serverId);
  const repository = dataSource.getRepository(McpServerEntity);
  for (let start = 0; start < rows.length; start += 50) {
    await repository.insert(rows.slice(start, start + 50));
  }
  return ids;
}

function workerEnv(t: TestApp): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: t.database.url,
    DB_MIGRATIONS_RUN: 'false',
    CREDENTIALS_ENCRYPTION_KEYS: t.config.crypto.encryptionKeys,
    CREDENTIALS_ACTIVE_KEY_ID: t.config.crypto.activeKeyId,
    MCP_ALLOW_LOOPBACK: 'true',
    ...CHECKER_ENV,
  };
}

const quiet = () => new Writable({ write: (_chunk, _encoding, callback) => callback() });

/** Records every probe an instance runs (the real probe still runs). */
function recordProbes(
  runner: ProbeRunner,
  by: string,
  probes: Map<string, { at: number; by: string }[]>,
): void {
  const probe = runner.probe.bind(runner);
  jest.spyOn(runner, 'probe').mockImplementation((target, source) => {
    const url = target.url ?? '';
    probes.set(url, [...(probes.get(url) ?? []), { at: Date.now(), by }]);
    return probe(target, source);
  });
}

async function checkerProbes(metrics: HealthMetrics): Promise<number> {
  const metric = await metrics.registry.getSingleMetric('mcp_probes_total')?.get();
  return (metric?.values ?? [])
    .filter((value) => value.labels.source === 'checker')
    .reduce((sum, value) => sum + value.value, 0);
}

async function waitUntil(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

jest.setTimeout(45_000);

describe('background checker shared by replicas', () => {
  let upstream: MultiPathMcpServer;
  let proxy: CountingProxy;

  beforeAll(async () => {
    upstream = await startMultiPathMcpServer(SERVERS);
  });
  afterAll(async () => {
    await upstream.close();
  });
  beforeEach(async () => {
    proxy = await startCountingProxy(upstream);
  });
  afterEach(async () => {
    await proxy.close();
  });

  it('splits 200 servers between the API checker and a health worker, probing each exactly once per interval', async () => {
    const env = { ...CHECKER_ENV, HEALTH_CHECK_INTERVAL_S: String(SPLIT_INTERVAL_S) };
    const t = await startTestApp({ HEALTH_WORKER_ENABLED: 'true', ...env });
    const worker = await createHealthWorker({
      ignoreEnvFile: true,
      env: { ...workerEnv(t), ...env },
      logDestination: quiet() as never,
    });
    try {
      const probes = new Map<string, { at: number; by: string }[]>();
      recordProbes(t.app.get(ProbeRunner), 'api', probes);
      recordProbes(worker.app.get(ProbeRunner), 'worker', probes);
      const org = await createOrg(t);
      await insertServers(t.dataSource, org.organization_id, (index) => upstream.urls[index]);
      const probesOf = (index: number) => probes.get(upstream.urls[index]) ?? [];
      const indexes = Array.from({ length: SERVERS }, (_, index) => index);
      const counts = () => indexes.map((index) => probesOf(index).length);

      // Generous: a slow machine only makes the round longer; what is asserted is that no server
      // is probed twice before every one was probed once.
      await waitUntil(() => counts().every((count) => count >= 1), SPLIT_INTERVAL_S * 2000);
      expect(Math.max(...counts())).toBe(1);
      const firstRoundStart = Math.min(...indexes.map((index) => probesOf(index)[0].at));
      const byApi = indexes.filter((index) => probesOf(index)[0].by === 'api').length;
      expect(byApi).toBeGreaterThan(0);
      expect(byApi).toBeLessThan(SERVERS);
      await waitUntil(async () => {
        const rows: { n: number }[] = await t.dataSource.query(
          'SELECT COUNT(*) AS n FROM mcp_servers WHERE last_health_check IS NOT NULL',
        );
        return Number(rows[0].n) === SERVERS;
      }, 2000);
      expect(await checkerProbes(t.app.get(HealthMetrics))).toBe(byApi);
      expect(await checkerProbes(worker.app.get(HealthMetrics))).toBe(SERVERS - byApi);

      // The next interval: every server once more, none twice, none early.
      await waitUntil(() => counts().every((count) => count >= 2), SPLIT_INTERVAL_S * 2000);
      // On a loaded machine the slowest servers' second probe can come after the fastest ones'
      // third: what must hold is that no two probes of one server are less than an interval apart.
      const gaps = indexes.flatMap((index) =>
        probesOf(index)
          .slice(1)
          .map((probe, i) => probe.at - probesOf(index)[i].at),
      );
      expect(Math.min(...gaps)).toBeGreaterThan(SPLIT_INTERVAL_S * 1000 - 500);
      expect(Math.min(...indexes.map((index) => probesOf(index)[1].at))).toBeGreaterThan(
        firstRoundStart + SPLIT_INTERVAL_S * 1000 - 500,
      );

      const rows: { status: string; tool_count: number }[] = await t.dataSource.query(
        'SELECT DISTINCT status, tool_count FROM mcp_servers',
      );
      // Every server got a real result. A probe may time out on a loaded machine (unhealthy):
      // what this test proves is the split and the schedule, not the test server's speed.
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(['healthy', 'unhealthy']).toContain(row.status);
        if (row.status === 'healthy') expect(Number(row.tool_count)).toBe(2);
      }
    } finally {
      await worker.app.close();
      await t.close();
    }
  });

  it('lets another replica probe the servers a dead replica had claimed, once its claims expire', async () => {
    const t = await startTestApp({ HEALTH_WORKER_ENABLED: 'false', ...CHECKER_ENV });
    const hung: ((result: ProbeResult) => void)[] = [];
    // A replica that claims, starts probing, then freezes and dies without releasing anything.
    const { module } = await HealthWorkerModule.forRoot({
      ignoreEnvFile: true,
      env: workerEnv(t),
      logDestination: quiet() as never,
    });
    const doomed = await Test.createTestingModule({ imports: [module] })
      .overrideProvider(ProbeRunner)
      .useValue({ probe: () => new Promise<ProbeResult>((resolve) => hung.push(resolve)) })
      .compile();
    doomed.useLogger(doomed.get(Logger));
    let survivor: INestApplicationContext | undefined;
    try {
      const org = await createOrg(t);
      const ids = await insertServers(t.dataSource, org.organization_id, proxy.url);
      await doomed.init();
      await waitUntil(() => hung.length === CONCURRENCY, 3000);
      const claimed: { server_id: string; claim_owner: string; claim_expires_at: Date | string }[] =
        await t.dataSource.query(
          'SELECT server_id, claim_owner, claim_expires_at FROM mcp_servers' +
            ' WHERE claim_owner IS NOT NULL',
        );
      expect(claimed).toHaveLength(CONCURRENCY);
      // The replica dies: its connection goes, its claims stay behind in the table.
      await doomed.get<DataSource>(getDataSourceToken()).destroy();
      const expiry = Math.max(
        ...claimed.map((row) => (utcDate.from(row.claim_expires_at) as Date).getTime()),
      );
      expect(expiry - Date.now()).toBeLessThanOrEqual(TIMEOUT_MS + CLAIM_MARGIN_MS);

      survivor = (
        await createHealthWorker({
          ignoreEnvFile: true,
          env: workerEnv(t),
          logDestination: quiet() as never,
        })
      ).app;
      const orphans = claimed.map((row) => ids.indexOf(row.server_id));
      // Generous: a slow machine only makes the rounds longer; the timing that matters is
      // asserted per orphan below.
      await waitUntil(() => ids.every((_, index) => proxy.probesOf(index).length >= 1), 20_000);
      for (const index of orphans) {
        const [first] = proxy.probesOf(index);
        // Not before the dead replica's claims expire, and within the next interval after.
        expect(first).toBeGreaterThanOrEqual(expiry);
        expect(first).toBeLessThanOrEqual(expiry + INTERVAL_S * 1000);
      }
      const owners = [...new Set(claimed.map((row) => row.claim_owner))];
      await waitUntil(async () => {
        const rows: { n: number }[] = await t.dataSource.query(
          "SELECT COUNT(*) AS n FROM mcp_servers WHERE status = 'healthy'",
        );
        return Number(rows[0].n) === SERVERS;
      }, 2000);
      const stale: { n: number }[] = await t.dataSource.query(
        `SELECT COUNT(*) AS n FROM mcp_servers WHERE claim_owner IN (${owners.map(() => '?').join(', ')})`,
        owners,
      );
      expect(Number(stale[0].n)).toBe(0);
    } finally {
      await survivor?.close();
      for (const resolve of hung.splice(0)) {
        resolve({
          ok: false,
          status: 'unhealthy',
          latency_ms: null,
          server_info: null,
          tools: [],
          error: 'never ran',
          error_kind: 'timeout',
        });
      }
      await doomed.close();
      await t.close();
    }
  });
});
