import { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { McpServerClaimRepository, utcDate } from '@app/dal';
import {
  checkerTiming,
  HealthCheckerService,
  HealthMetrics,
  nextCheckAt,
  ProbeRunner,
} from '@app/health-checker';
import type { ProbeResult } from '@app/mcp-probe';
import { createHealthWorker } from '../../apps/health-worker/src/health-worker.factory';
import { HealthWorkerModule } from '../../apps/health-worker/src/health-worker.module';
import { CountingProxy, insertBulkServers, startCountingProxy } from '../support/checker-fixtures';
import { createOrg } from '../support/factories';
import { MultiPathMcpServer, startMultiPathMcpServer } from '../support/mcp-servers';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

const SERVERS = 200;
const INTERVAL_S = 2;
/**
 * Both replicas and the MCP servers share this one test process and its one CPU thread (and the
 * machine may be busy with other suites), so a round of 200 probes takes a second or more here.
 */
const SPLIT_INTERVAL_S = 5;
const TIMEOUT_MS = 1000;
const CONCURRENCY = 10;
const CHECKER_ENV = {
  HEALTH_CHECK_INTERVAL_S: String(INTERVAL_S),
  HEALTH_CHECK_TIMEOUT_MS: String(TIMEOUT_MS),
  HEALTH_CHECK_CONCURRENCY: String(CONCURRENCY),
};

const insertServers = (
  dataSource: DataSource,
  organizationId: string,
  urlOf: (index: number) => string,
) => insertBulkServers(dataSource, organizationId, SERVERS, urlOf);

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

/** Records, per server, the instant (the claim's own `now`) each claim an instance won was made. */
function recordClaims(
  repository: McpServerClaimRepository,
  by: string,
  claims: Map<string, { at: number; by: string }[]>,
): void {
  const claimDue = repository.claimDue.bind(repository);
  jest.spyOn(repository, 'claimDue').mockImplementation(async (scope, claim) => {
    const result = await claimDue(scope, claim);
    for (const server of result.claimed) {
      claims.set(server.serverId, [
        ...(claims.get(server.serverId) ?? []),
        { at: claim.now.getTime(), by },
      ]);
    }
    return result;
  });
}

async function checkerProbes(metrics: HealthMetrics): Promise<number> {
  const metric = await metrics.registry.getSingleMetric('mcp_probes_total')?.get();
  return (metric?.values ?? [])
    .filter((value) => value.labels.source === 'checker')
    .reduce((sum, value) => sum + value.value, 0);
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

  // What "once per interval" means is asserted on the claims themselves (a server is claimed
  // again only once its next due time, claim + interval, has come), and every claim is matched
  // by exactly one probe. A busy machine only makes the rounds slower, so the waits are long and
  // nothing is asserted about how fast a round of 200 probes goes.
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
      const claims = new Map<string, { at: number; by: string }[]>();
      const instances = [
        { app: t.app as INestApplicationContext, by: 'api' },
        { app: worker.app, by: 'worker' },
      ];
      for (const { app, by } of instances) {
        recordProbes(app.get(ProbeRunner), by, probes);
        recordClaims(app.get(McpServerClaimRepository), by, claims);
      }
      const org = await createOrg(t);
      const ids = await insertServers(t.dataSource, org.organization_id, (index) => {
        return upstream.urls[index];
      });
      const claimsOf = (index: number) => claims.get(ids[index]) ?? [];
      const probesOf = (index: number) => probes.get(upstream.urls[index]) ?? [];
      const indexes = Array.from({ length: SERVERS }, (_, index) => index);

      await waitFor(() => indexes.every((index) => claimsOf(index).length >= 2), 100_000, {
        pollMs: 100,
      });
      // Both checkers stop (running probes finish and record); the tables are then still.
      for (const { app } of instances) await app.get(HealthCheckerService).stop();

      const firstBy = indexes.map((index) => claimsOf(index)[0].by);
      const byApi = firstBy.filter((by) => by === 'api').length;
      expect(byApi).toBeGreaterThan(0);
      expect(byApi).toBeLessThan(SERVERS);
      // No server was claimed before it was due, by either replica: the first claim makes it
      // due one interval later, and each later one keeps that cadence (probe-outcome.ts).
      const early: string[] = [];
      for (const index of indexes) {
        let due: Date | null = null;
        for (const claim of claimsOf(index)) {
          if (due !== null && claim.at < due.getTime()) {
            early.push(`${ids[index]} claimed ${due.getTime() - claim.at} ms before it was due`);
          }
          due = nextCheckAt(due, new Date(claim.at), SPLIT_INTERVAL_S * 1000);
        }
      }
      expect(early).toEqual([]);
      // Every claim led to exactly one probe, by the replica that claimed: none was probed twice
      // within a claim, none without one.
      for (const index of indexes) {
        expect({ index, probes: probesOf(index).map((probe) => probe.by) }).toEqual({
          index,
          probes: claimsOf(index).map((claim) => claim.by),
        });
      }
      const claimed = (by: string) =>
        indexes.reduce(
          (sum, index) => sum + claimsOf(index).filter((claim) => claim.by === by).length,
          0,
        );
      expect(await checkerProbes(t.app.get(HealthMetrics))).toBe(claimed('api'));
      expect(await checkerProbes(worker.app.get(HealthMetrics))).toBe(claimed('worker'));

      const rows: { status: string; tool_count: number; n: number }[] = await t.dataSource.query(
        'SELECT status, tool_count, COUNT(*) AS n FROM mcp_servers' +
          ' WHERE last_health_check IS NOT NULL GROUP BY status, tool_count',
      );
      // Every server got a real result. A probe may time out on a loaded machine (unhealthy):
      // what this test proves is the split and the schedule, not the test server's speed.
      expect(rows.reduce((sum, row) => sum + Number(row.n), 0)).toBe(SERVERS);
      for (const row of rows) {
        expect(['healthy', 'unhealthy']).toContain(row.status);
        if (row.status === 'healthy') expect(Number(row.tool_count)).toBe(2);
      }
    } finally {
      await worker.app.close();
      await t.close();
    }
  }, 150_000);

  it('lets another replica probe the servers a dead replica had claimed, once their leases lapse', async () => {
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
      await waitFor(() => hung.length === CONCURRENCY, 3000);
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
      // A claim is a lease renewed while the probe runs: it lapses one lease after the last
      // renewal, not a whole probe timeout (plus margin) after the claim.
      expect(expiry - Date.now()).toBeLessThanOrEqual(
        checkerTiming(INTERVAL_S * 1000, TIMEOUT_MS).leaseMs,
      );

      // Only the orphans are due: what is measured is when they are taken over, not how long a
      // backlog of other due servers keeps the survivor busy.
      await t.dataSource.query(
        'UPDATE mcp_servers SET next_check_at = ? WHERE claim_owner IS NULL',
        [new Date(Date.now() + 3_600_000).toISOString().replace('T', ' ').replace('Z', '')],
      );
      survivor = (
        await createHealthWorker({
          ignoreEnvFile: true,
          env: workerEnv(t),
          logDestination: quiet() as never,
        })
      ).app;
      const orphans = claimed.map((row) => ids.indexOf(row.server_id));
      await waitFor(() => orphans.every((index) => proxy.probesOf(index).length >= 1), 20_000);
      for (const index of orphans) {
        const [first] = proxy.probesOf(index);
        // Not before the dead replica's claims lapse, and within the next poll after (a fresh
        // survivor polls at once, then every eighth of the interval).
        expect(first).toBeGreaterThanOrEqual(expiry);
        expect(first).toBeLessThanOrEqual(expiry + INTERVAL_S * 1000);
      }
      const owners = [...new Set(claimed.map((row) => row.claim_owner))];
      const orphanIds = orphans.map((index) => ids[index]);
      await waitFor(async () => {
        const rows: { n: number }[] = await t.dataSource.query(
          "SELECT COUNT(*) AS n FROM mcp_servers WHERE status = 'healthy' AND server_id IN" +
            ` (${orphanIds.map(() => '?').join(', ')})`,
          orphanIds,
        );
        return Number(rows[0].n) === orphanIds.length;
      }, 5000);
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
          protocol_version: null,
          protocol_era: null,
          transport_deprecated: false,
          tools_listed: false,
          tools_ttl_ms: null,
          tool_definitions: [],
          tools_fingerprint: null,
          tools_digest: null,
        });
      }
      await doomed.close();
      await t.close();
    }
  });
});
