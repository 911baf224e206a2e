import { backoffDelayMs } from './webhook-backoff';

const DEFAULTS = { baseMs: 10_000, maxMs: 43_200_000 };

describe('webhook retry backoff', () => {
  it('triples from the base, capped, and spreads each wait by at most 20% either way', () => {
    const plain = (n: number) => backoffDelayMs(n, DEFAULTS, () => 0.5);
    expect([1, 2, 3, 4, 9, 20].map(plain)).toEqual([
      10_000, 30_000, 90_000, 270_000, 43_200_000, 43_200_000,
    ]);
    expect(backoffDelayMs(2, DEFAULTS, () => 0)).toBe(24_000);
    expect(backoffDelayMs(2, DEFAULTS, () => 1)).toBe(36_000);
  });

  it('gives a receiver about a day over the default ten attempts', () => {
    let total = 0;
    for (let failure = 1; failure < 10; failure++)
      total += backoffDelayMs(failure, DEFAULTS, () => 0.5);
    expect(total / 3_600_000).toBeGreaterThan(18);
    expect(total / 3_600_000).toBeLessThan(26);
  });
});
