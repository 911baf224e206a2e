import type { AppConfig } from '@app/core';
import { RenderedServerPage, ServerListCache } from './server-list.cache';

/** A page's age counts from the clock reading it was rendered at. */
let clock = 10_000;

function cache(max = 10, ttlMs = 60_000): ServerListCache {
  const pages = new ServerListCache({
    registry: { listCacheMax: max, listCacheTtlMs: ttlMs },
  } as AppConfig);
  pages.now = () => clock;
  return pages;
}

function page(text: string): RenderedServerPage {
  return { body: Buffer.from(text), etag: `"${text}"`, nextCursor: null, total: null };
}

describe('ServerListCache', () => {
  it('renders a page once for concurrent requests at one revision, then serves it', async () => {
    const pages = cache();
    let renders = 0;
    const render = async () => {
      renders += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return page('a');
    };
    const results = await Promise.all([1, 2, 3, 4].map(() => pages.resolve('k', 1, render)));
    expect(renders).toBe(1);
    expect(results.map((r) => r.body.toString())).toEqual(['a', 'a', 'a', 'a']);
    await pages.resolve('k', 1, render);
    expect(renders).toBe(1);
  });

  it('renders again when the revision moves, and keeps keys apart', async () => {
    const pages = cache();
    let renders = 0;
    const render = (text: string) => async () => {
      renders += 1;
      return page(text);
    };
    expect((await pages.resolve('k', 1, render('one'))).body.toString()).toBe('one');
    expect((await pages.resolve('k', 2, render('two'))).body.toString()).toBe('two');
    expect((await pages.resolve('other', 2, render('other'))).body.toString()).toBe('other');
    expect((await pages.resolve('k', 2, render('unused'))).body.toString()).toBe('two');
    expect(renders).toBe(3);
  });

  it('shares a failed render with its waiters and keeps nothing from it', async () => {
    const pages = cache();
    let renders = 0;
    const failing = async () => {
      renders += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error('database down');
    };
    const outcomes = await Promise.allSettled([
      pages.resolve('k', 1, failing),
      pages.resolve('k', 1, failing),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(renders).toBe(1);
    expect((await pages.resolve('k', 1, async () => page('ok'))).body.toString()).toBe('ok');
  });

  it('keeps nothing when turned off', async () => {
    const pages = cache(0);
    expect(pages.enabled).toBe(false);
    let renders = 0;
    const render = async () => {
      renders += 1;
      return page('x');
    };
    await pages.resolve('k', 1, render);
    await pages.resolve('k', 1, render);
    expect(renders).toBe(2);
  });

  it('serves a page past its TTL once more while it is rendered again in the background', async () => {
    const pages = cache(10, 1000);
    let renders = 0;
    const render = async () => {
      renders += 1;
      return page(`v${renders}`);
    };
    clock = 10_000;
    expect((await pages.resolve('k', 1, render)).body.toString()).toBe('v1');
    clock = 10_999;
    expect((await pages.resolve('k', 1, render)).body.toString()).toBe('v1');
    expect(renders).toBe(1);
    clock = 11_001;
    expect((await pages.resolve('k', 1, render)).body.toString()).toBe('v1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(renders).toBe(2);
    expect((await pages.resolve('k', 1, render)).body.toString()).toBe('v2');
  });

  it('keeps serving the old page when its background render fails, and tries again', async () => {
    const pages = cache(10, 1000);
    clock = 10_000;
    await pages.resolve('k', 1, async () => page('old'));
    clock = 12_000;
    let failures = 0;
    const failing = async () => {
      failures += 1;
      throw new Error('database down');
    };
    expect((await pages.resolve('k', 1, failing)).body.toString()).toBe('old');
    await new Promise((resolve) => setImmediate(resolve));
    expect((await pages.resolve('k', 1, failing)).body.toString()).toBe('old');
    await new Promise((resolve) => setImmediate(resolve));
    expect(failures).toBe(2);
    await pages.resolve('k', 1, async () => page('new'));
    await new Promise((resolve) => setImmediate(resolve));
    expect((await pages.resolve('k', 1, failing)).body.toString()).toBe('new');
  });

  it('evicts the least recently used page beyond its size', async () => {
    const pages = cache(2);
    let renders = 0;
    const render = (text: string) => async () => {
      renders += 1;
      return page(text);
    };
    await pages.resolve('a', 1, render('a'));
    await pages.resolve('b', 1, render('b'));
    await pages.resolve('a', 1, render('a')); // a is now the most recent
    await pages.resolve('c', 1, render('c')); // evicts b
    expect(renders).toBe(3);
    await pages.resolve('a', 1, render('a'));
    expect(renders).toBe(3);
    await pages.resolve('b', 1, render('b'));
    expect(renders).toBe(4);
  });
});
