import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface Window {
  startedAt: number;
  hits: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Fixed-window counters: O(1) per request, whatever the limit. A window opens at a tracker's
 * first hit and lasts `ttl`; idle windows are swept lazily, so no timer holds the process.
 *
 * Kept by hand on purpose. @nestjs/throttler's own storage keeps one expiry timestamp per hit
 * and filters them on every request (up to RATE_LIMIT_PER_MINUTE of them per key), and runs an
 * interval timer. lru-cache does not fit either: a bounded cache drops live windows under
 * pressure, which resets counters exactly when many trackers hit at once (an attack), and a
 * window must only end when its time is over; this is a Map, a start time and a count.
 */
export class FixedWindowThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private lastSweepAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastSweepAt = now();
  }

  get size(): number {
    return this.windows.size;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    _throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    if (now - this.lastSweepAt >= SWEEP_INTERVAL_MS) this.sweep(now, ttl);
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= ttl) {
      window = { startedAt: now, hits: 0 };
      this.windows.set(key, window);
    }
    window.hits += 1;
    const timeToExpire = Math.max(1, Math.ceil((window.startedAt + ttl - now) / 1000));
    const isBlocked = window.hits > limit;
    return {
      totalHits: window.hits,
      timeToExpire,
      isBlocked,
      timeToBlockExpire: isBlocked ? timeToExpire : 0,
    };
  }

  private sweep(now: number, ttl: number): void {
    this.lastSweepAt = now;
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= ttl) this.windows.delete(key);
    }
  }
}
