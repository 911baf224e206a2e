import type { AppConfig } from '@app/core';
import type {
  McpServerClaimRepository,
  McpServerClaim,
  McpServerProbeTarget,
  McpServerRef,
} from '@app/dal';
import type { ProbeResult } from '@app/mcp-probe';
import { HealthCheckerService } from './health-checker.service';
import { HealthMetrics } from './health-metrics';
import type { HealthTransitions } from './health-transitions';
import type { ServerProbeService } from './server-probe.service';
import type { ToolDriftDetector } from './drift/tool-drift.detector';

/** Writes the result as given: status transitions and their events are an e2e matter. */
const PASS_THROUGH_TRANSITIONS = {
  record: (_scope: unknown, _id: string, _status: string, write: () => Promise<unknown>) => write(),
} as unknown as HealthTransitions;

const HEALTHY: ProbeResult = {
  ok: true,
  status: 'healthy',
  latency_ms: 5,
  server_info: null,
  tools: [],
  error: null,
  error_kind: null,
  protocol_version: '2026-07-28',
  protocol_era: 'modern',
  transport_deprecated: false,
  tools_listed: true,
  tools_ttl_ms: null,
  tool_definitions: [],
  tools_fingerprint: null,
  tools_digest: null,
};

function config(
  overrides: Partial<AppConfig['health']> = {},
  shutdownTimeoutMs = 10_000,
): AppConfig {
  return {
    shutdownTimeoutMs,
    health: { timeoutMs: 200, intervalS: 60, concurrency: 3, workerEnabled: true, ...overrides },
  } as AppConfig;
}

/** An in-memory table of due servers with the claim semantics of the real repository. */
class FakeRepository {
  readonly claims = new Map<string, string>();
  readonly completed: { serverId: string; owner: string; next: Date }[] = [];
  readonly released: string[] = [];
  readonly renewals: { at: number; serverIds: string[]; expiresAt: number }[] = [];
  constructor(private readonly due: string[]) {}

  /** Makes another server due, as time passing would. */
  addDue(serverId: string): void {
    this.due.push(serverId);
  }

  async renewClaims(claims: { owner: string; servers: McpServerRef[] }[], expiresAt: Date) {
    const serverIds = claims.flatMap((claim) =>
      claim.servers
        .map((server) => server.serverId)
        .filter((id) => this.claims.get(id) === claim.owner),
    );
    this.renewals.push({ at: Date.now(), serverIds, expiresAt: expiresAt.getTime() });
    return serverIds.length;
  }

  async claimDue(_scope: unknown, claim: McpServerClaim) {
    const free = this.due.filter((id) => !this.claims.has(id) && !this.isDone(id));
    const claimed = free.slice(0, claim.limit);
    for (const id of claimed) this.claims.set(id, claim.owner);
    return { claimed: claimed.map((id) => target(id)), candidates: free.length };
  }

  async completeClaimed(
    _organizationId: string,
    serverId: string,
    claim: { owner: string },
    _outcome: unknown,
    next: Date,
  ) {
    if (this.claims.get(serverId) !== claim.owner) return 'lost' as const;
    this.claims.delete(serverId);
    this.completed.push({ serverId, owner: claim.owner, next });
    return 'written' as const;
  }

  async releaseClaims(_scope: unknown, owners: string[], servers: McpServerRef[]) {
    const serverIds = servers.map((server) => server.serverId);
    for (const id of serverIds) {
      if (owners.includes(this.claims.get(id) ?? '')) {
        this.claims.delete(id);
        this.released.push(id);
      }
    }
    return serverIds.length;
  }

  private isDone(id: string): boolean {
    return this.completed.some((entry) => entry.serverId === id);
  }
}

function target(serverId: string): McpServerProbeTarget {
  return {
    serverId,
    organizationId: 'org_test1',
    transport: 'streamable_http',
    specVersion: '2025-06-18',
    authType: 'none',
    url: 'http://example.test/mcp',
    command: null,
    args: [],
    envSealed: null,
    credentialsSealed: null,
    version: 1,
    nextCheckAt: null,
    updatedAt: new Date(0),
    lastHealthCheck: null,
    toolsFreshUntil: null,
    toolsFingerprint: null,
    toolsDigest: null,
    toolsDrift: null,
  };
}

/** Drift detection has its own specs (and e2e): here no probe lists tools to compare. */
const NO_DRIFT_DETECTION = { observe: async () => null } as unknown as ToolDriftDetector;

function checker(repository: FakeRepository, probes: Partial<ServerProbeService>, cfg = config()) {
  return new HealthCheckerService(
    cfg,
    { background: 'always' },
    repository as unknown as McpServerClaimRepository,
    probes as ServerProbeService,
    new HealthMetrics(),
    NO_DRIFT_DETECTION,
    PASS_THROUGH_TRANSITIONS,
  );
}

/**
 * The checker both reads the time and sleeps on timers (polls, lease renewals, the stop budget),
 * so these tests run it on Jest's fake timers, which move Date and every timer together: no test
 * waits for real time, and instants are exact.
 */
beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00.000Z') });
});
afterEach(() => {
  jest.useRealTimers();
});

/** Moves the fake time forward in `stepMs` steps until `check` holds (at most `maxMs`). */
async function advanceUntil(check: () => boolean, maxMs = 10_000, stepMs = 10): Promise<void> {
  for (let elapsed = 0; !check(); elapsed += stepMs) {
    if (elapsed > maxMs) throw new Error(`not met within ${maxMs} ms of fake time`);
    await jest.advanceTimersByTimeAsync(stepMs);
  }
}

/** Stops the checker while the fake time runs on; resolves with the fake milliseconds it took. */
async function stop(service: HealthCheckerService): Promise<number> {
  const started = Date.now();
  let stopped = false;
  const stopping = service.stop().finally(() => {
    stopped = true;
  });
  await advanceUntil(() => stopped, 60_000, 1);
  await stopping;
  return Date.now() - started;
}

describe('HealthCheckerService', () => {
  it('probes every due server once, never more than the concurrency at a time', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `s${i}`);
    const repository = new FakeRepository(ids);
    let running = 0;
    let peak = 0;
    const service = checker(repository, {
      probe: async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 10));
        running -= 1;
        return HEALTHY;
      },
    });
    const started = Date.now();
    service.start();
    await advanceUntil(() => repository.completed.length === ids.length);
    await stop(service);

    expect(peak).toBe(3);
    expect(repository.completed.map((entry) => entry.serverId).sort()).toEqual([...ids].sort());
    expect(repository.claims.size).toBe(0);
    // Due again one interval after its claim (all claimed within the first fake second).
    for (const entry of repository.completed) {
      expect(entry.next.getTime() - started).toBeGreaterThanOrEqual(60_000);
      expect(entry.next.getTime() - started).toBeLessThanOrEqual(61_000);
    }
  });

  it('lets running probes finish and record on stop, and schedules nothing afterwards', async () => {
    const repository = new FakeRepository(['a', 'b']);
    const service = checker(repository, {
      probe: () => new Promise((resolve) => setTimeout(() => resolve(HEALTHY), 50)),
    });
    service.start();
    await advanceUntil(() => repository.claims.size === 2);
    expect(repository.completed).toEqual([]);
    expect(await stop(service)).toBeLessThanOrEqual(50);
    expect(repository.completed.map((entry) => entry.serverId).sort()).toEqual(['a', 'b']);
    expect(jest.getTimerCount()).toBe(0);
    repository.addDue('c');
    await jest.advanceTimersByTimeAsync(120_000);
    expect(repository.completed).toHaveLength(2);
    expect(repository.claims.size).toBe(0);
  });

  it('releases the claims of probes still running when the stop budget runs out', async () => {
    const repository = new FakeRepository(['stuck']);
    let finish: (result: ProbeResult) => void = () => undefined;
    const service = checker(
      repository,
      { probe: () => new Promise<ProbeResult>((resolve) => (finish = resolve)) },
      // The budget: the timeout plus 1.5 s, within half of SHUTDOWN_TIMEOUT_MS (1 s here).
      config({ timeoutMs: 100 }, 2_000),
    );
    service.start();
    await advanceUntil(() => repository.claims.size === 1);
    const took = await stop(service);
    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(took).toBeLessThanOrEqual(1_001);
    expect(repository.released).toEqual(['stuck']);
    finish(HEALTHY);
    await jest.advanceTimersByTimeAsync(0);
    expect(repository.completed).toEqual([]);
  });

  it('renews the lease of a running probe, and stops renewing past its timeout', async () => {
    const repository = new FakeRepository(['slow']);
    let finish: (result: ProbeResult) => void = () => undefined;
    // 2 s interval, 1 s timeout: 400 ms leases renewed every 133 ms.
    const service = checker(
      repository,
      { probe: () => new Promise<ProbeResult>((resolve) => (finish = resolve)) },
      config({ timeoutMs: 1_000, intervalS: 2 }),
    );
    service.start();
    await advanceUntil(() => repository.claims.size === 1, 1_000, 1);
    const claimedAt = Date.now();
    await jest.advanceTimersByTimeAsync(3_000);
    const renewed = repository.renewals.filter((renewal) => renewal.serverIds.includes('slow'));
    // Every 133 ms while the probe ran, each time for one lease (400 ms) ahead...
    expect(renewed.length).toBeGreaterThanOrEqual(17);
    for (const [index, renewal] of renewed.entries()) {
      expect(renewal.expiresAt - renewal.at).toBe(400);
      if (index > 0) expect(renewal.at - renewed[index - 1].at).toBe(133);
    }
    // ...and no longer than the probe's timeout plus its slack (1.5 s): a hung probe lets its
    // server go.
    const last = Math.max(...renewed.map((renewal) => renewal.at)) - claimedAt;
    expect(last).toBeLessThan(2_500);
    expect(last).toBeGreaterThanOrEqual(2_500 - 133);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(repository.renewals.filter((r) => r.serverIds.includes('slow'))).toHaveLength(
      renewed.length,
    );
    finish(HEALTHY);
    await stop(service);
  });

  it('keeps claiming servers that fall due while a slow probe of the round still runs', async () => {
    const repository = new FakeRepository(['slow']);
    let finish: (result: ProbeResult) => void = () => undefined;
    const probed: { id: string; at: number }[] = [];
    const service = checker(
      repository,
      {
        probe: (server) => {
          probed.push({ id: server.serverId, at: Date.now() });
          if (server.serverId === 'slow') {
            return new Promise<ProbeResult>((resolve) => (finish = resolve));
          }
          return Promise.resolve(HEALTHY);
        },
      },
      // Polls every 250 ms (2 s interval).
      config({ timeoutMs: 1_000, intervalS: 2 }),
    );
    service.start();
    await advanceUntil(() => probed.length === 1);
    const fellDue = Date.now();
    repository.addDue('late');
    await advanceUntil(() => probed.some((probe) => probe.id === 'late'), 1_000, 1);
    // Claimed at the next poll, not after the slow probe.
    expect(probed.find((probe) => probe.id === 'late')!.at - fellDue).toBeLessThanOrEqual(250);
    finish(HEALTHY);
    await stop(service);
  });

  it('does not start when HEALTH_WORKER_ENABLED is false in the API', async () => {
    const repository = new FakeRepository(['a']);
    const service = new HealthCheckerService(
      config({ workerEnabled: false }),
      { background: 'when-enabled' },
      repository as unknown as McpServerClaimRepository,
      { probe: async () => HEALTHY } as unknown as ServerProbeService,
      new HealthMetrics(),
      NO_DRIFT_DETECTION,
      PASS_THROUGH_TRANSITIONS,
    );
    service.onApplicationBootstrap();
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(repository.claims.size + repository.completed.length).toBe(0);
    await service.stop();
  });
});
