import { checkerTiming } from './checker-timing';

describe('checkerTiming', () => {
  it('re-probes a dead replica’s servers within 0.9 × interval whenever interval ≥ 2 × timeout', () => {
    for (const intervalS of [1, 2, 3, 5, 10, 30, 60, 300, 3600, 86_400]) {
      for (const timeoutMs of [100, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 600_000]) {
        const intervalMs = intervalS * 1000;
        if (intervalMs < 2 * timeoutMs) continue;
        const { pollMs, leaseMs, renewMs } = checkerTiming(intervalMs, timeoutMs);
        const worst = pollMs + timeoutMs + leaseMs + pollMs;
        expect({ intervalMs, timeoutMs, fits: worst <= 0.9 * intervalMs }).toEqual({
          intervalMs,
          timeoutMs,
          fits: true,
        });
        expect(pollMs).toBeGreaterThanOrEqual(100);
        expect(pollMs).toBeLessThanOrEqual(5_000);
        expect(renewMs * 3).toBeLessThanOrEqual(leaseMs);
        expect(leaseMs).toBeGreaterThan(0);
      }
    }
  });

  it('keeps the defaults (60 s, 10 s) well inside the interval', () => {
    expect(checkerTiming(60_000, 10_000)).toEqual({
      pollMs: 5_000,
      leaseMs: 15_000,
      renewMs: 5_000,
    });
  });

  it('gives the lease what the bound leaves at the edge (interval = 2 × timeout)', () => {
    expect(checkerTiming(2_000, 1_000)).toEqual({ pollMs: 200, leaseMs: 400, renewMs: 133 });
  });
});
