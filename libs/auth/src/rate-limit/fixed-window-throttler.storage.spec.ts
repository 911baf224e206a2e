import { FixedWindowThrottlerStorage } from './fixed-window-throttler.storage';

describe('FixedWindowThrottlerStorage', () => {
  it('blocks past the limit until the window ends, per key', async () => {
    let now = 0;
    const storage = new FixedWindowThrottlerStorage(() => now);
    for (let i = 1; i <= 3; i += 1) {
      await expect(storage.increment('k', 60_000, 3, 60_000, 'default')).resolves.toMatchObject({
        totalHits: i,
        isBlocked: false,
      });
    }
    now = 30_000;
    await expect(storage.increment('k', 60_000, 3, 60_000, 'default')).resolves.toEqual({
      totalHits: 4,
      timeToExpire: 30,
      isBlocked: true,
      timeToBlockExpire: 30,
    });
    await expect(storage.increment('other', 60_000, 3, 60_000, 'default')).resolves.toMatchObject({
      isBlocked: false,
    });
    now = 60_000;
    await expect(storage.increment('k', 60_000, 3, 60_000, 'default')).resolves.toMatchObject({
      totalHits: 1,
      isBlocked: false,
      timeToExpire: 60,
    });
  });

  it('sweeps idle windows so memory follows the active keys', async () => {
    let now = 0;
    const storage = new FixedWindowThrottlerStorage(() => now);
    for (let i = 0; i < 100; i += 1) await storage.increment(`k${i}`, 60_000, 10, 60_000, 'd');
    now = 120_000;
    await storage.increment('fresh', 60_000, 10, 60_000, 'd');
    expect(storage.size).toBe(1);
  });
});
