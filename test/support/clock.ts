import type { Clock } from '@app/core';

/**
 * The real time plus whatever a test has advanced it by: an app built with it behaves normally
 * until a test moves its time forward (a key past its expiry, a cache entry past its TTL)
 * without waiting for that time to pass.
 */
export class TestClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
