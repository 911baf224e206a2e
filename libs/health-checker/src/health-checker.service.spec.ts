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
import type { ServerProbeService } from './server-probe.service';

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
  };
}

function checker(repository: FakeRepository, probes: Partial<ServerProbeService>, cfg = config()) {
  return new HealthCheckerService(
    cfg,
    { background: 'always' },
    repository as unknown as McpServerClaimRepository,
    probes as ServerProbeService,
    new HealthMetrics(),
  );
}

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
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
    service.start();
    await waitFor(() => repository.completed.length === ids.length);
    await service.stop();

    expect(peak).toBe(3);
    expect(repository.completed.map((entry) => entry.serverId).sort()).toEqual([...ids].sort());
    expect(repository.claims.size).toBe(0);
    for (const entry of repository.completed) {
      expect(entry.next.getTime()).toBeGreaterThan(Date.now() + 55_000);
    }
  });

  it('lets running probes finish and record on stop, and schedules nothing afterwards', async () => {
    const repository = new FakeRepository(['a', 'b']);
    const service = checker(repository, {
      probe: () => new Promise((resolve) => setTimeout(() => resolve(HEALTHY), 50)),
    });
    service.start();
    await waitFor(() => repository.claims.size === 2);
    await service.stop();
    expect(repository.completed.map((entry) => entry.serverId).sort()).toEqual(['a', 'b']);
    const claimsBefore = repository.completed.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(repository.completed.length).toBe(claimsBefore);
  });

  it('releases the claims of probes still running when the stop budget runs out', async () => {
    const repository = new FakeRepository(['stuck']);
    let finish: (result: ProbeResult) => void = () => undefined;
    const service = checker(
      repository,
      { probe: () => new Promise<ProbeResult>((resolve) => (finish = resolve)) },
      config({ timeoutMs: 100 }, 2_000),
    );
    service.start();
    await waitFor(() => repository.claims.size === 1);
    const started = Date.now();
    await service.stop();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(repository.released).toEqual(['stuck']);
    finish(HEALTHY);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(repository.completed).toEqual([]);
  });

  it('renews the lease of a running probe, and stops renewing past its timeout', async () => {
    const repository = new FakeRepository(['slow']);
    let finish: (result: ProbeResult) => void = () => undefined;
    // 2 s interval, 1 s timeout: 500 ms leases renewed every 166 ms.
    const service = checker(
      repository,
      { probe: () => new Promise<ProbeResult>((resolve) => (finish = resolve)) },
      config({ timeoutMs: 1_000, intervalS: 2 }),
    );
    service.start();
    await waitFor(() => repository.claims.size === 1);
    const claimedAt = Date.now();
    await waitFor(() => Date.now() - claimedAt > 3_000, 4_000);
    const renewed = repository.renewals.filter((renewal) => renewal.serverIds.includes('slow'));
    // Renewed every third of a lease while the probe ran, each time for one lease ahead.
    expect(renewed.length).toBeGreaterThanOrEqual(10);
    for (const renewal of renewed) {
      expect(renewal.expiresAt - renewal.at).toBeGreaterThanOrEqual(490);
      expect(renewal.expiresAt - renewal.at).toBeLessThanOrEqual(510);
    }
    // Not past the probe's timeout plus its slack (1.5 s): a hung probe lets its server go.
    expect(Math.max(...renewed.map((renewal) => renewal.at)) - claimedAt).toBeLessThan(2_700);
    finish(HEALTHY);
    await service.stop();
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
    await waitFor(() => probed.length === 1);
    const fellDue = Date.now();
    repository.addDue('late');
    await waitFor(() => probed.some((probe) => probe.id === 'late'), 1_000);
    expect(probed.find((probe) => probe.id === 'late')!.at - fellDue).toBeLessThan(400);
    finish(HEALTHY);
    await service.stop();
  });

  it('does not start when HEALTH_WORKER_ENABLED is false in the API', async () => {
    const repository = new FakeRepository(['a']);
    const service = new HealthCheckerService(
      config({ workerEnabled: false }),
      { background: 'when-enabled' },
      repository as unknown as McpServerClaimRepository,
      { probe: async () => HEALTHY } as unknown as ServerProbeService,
      new HealthMetrics(),
    );
    service.onApplicationBootstrap();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(repository.claims.size + repository.completed.length).toBe(0);
    await service.stop();
  });
});
