import { BoundedTtlCache } from './bounded-ttl-cache';

describe('BoundedTtlCache', () => {
  it('evicts the least recently used entry beyond its bound', () => {
    const cache = new BoundedTtlCache<string, number>(2, 1_000);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('forgets entries after the TTL, and stores nothing with a TTL of 0', () => {
    let now = 0;
    const cache = new BoundedTtlCache<string, number>(10, 100, () => now);
    cache.set('a', 1);
    now = 99;
    expect(cache.get('a')).toBe(1);
    now = 100;
    expect(cache.get('a')).toBeUndefined();
    const disabled = new BoundedTtlCache<string, number>(10, 0);
    disabled.set('a', 1);
    expect(disabled.get('a')).toBeUndefined();
  });

  it('deletes the entries a predicate selects', () => {
    const cache = new BoundedTtlCache<string, number>(10, 1_000);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.deleteWhere((value) => value % 2 === 1)).toBe(2);
    expect(cache.get('b')).toBe(2);
    expect(cache.size).toBe(1);
  });
});
