import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, AppConfig } from '@app/core';

/** A list page as sent: the body (UTF-8 bytes, so a hit converts nothing) and its headers. */
export interface RenderedServerPage {
  body: Buffer;
  etag: string;
  nextCursor: string | null;
  total: number | null;
}

type Render = () => Promise<RenderedServerPage>;

/**
 * Rendered GET /v1/mcp/server pages, each kept under the organization's registry revision it was
 * rendered at (part of the cache key). A page is served only while that revision is still
 * current, so every replica sees a write as soon as it commits; pages of older revisions are
 * never asked for again and leave as the least recently used.
 *
 * The TTL covers what no revision tracks (writes made outside the app): a page older than it is
 * rendered again. The request that finds it old still gets it while the new render runs in the
 * background (stale-while-revalidate, `allowStale`), so pages expiring under load cost no one a
 * wait; a failed refresh keeps the old page for the next request to try again. Concurrent misses
 * of one page at one revision share a single render (`fetch` dedupes what is in flight).
 */
@Injectable()
export class ServerListCache {
  private readonly pages: LRUCache<string, RenderedServerPage, Render> | null;

  /** The clock pages age by (tests set their own). */
  now: () => number = () => performance.now();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { listCacheMax: max, listCacheTtlMs: ttl } = config.registry;
    this.pages =
      max > 0 && ttl > 0
        ? new LRUCache<string, RenderedServerPage, Render>({
            max,
            ttl,
            allowStale: true,
            noDeleteOnFetchRejection: true,
            // A render evicted while in flight still answers the requests waiting for it.
            ignoreFetchAbort: true,
            // Read the clock on every check instead of arming a timer to reuse it for 1 ms.
            ttlResolution: 0,
            perf: { now: () => this.now() },
            fetchMethod: (_key, _stale, { context: render }) => render(),
          })
        : null;
  }

  get enabled(): boolean {
    return this.pages !== null;
  }

  /**
   * The page for `key` at `revision`: the kept one while it is current (refreshed in the
   * background once older than the TTL), else the render under way for the same key and
   * revision, else a new `render()`, whose result is kept.
   */
  resolve(key: string, revision: number, render: Render): Promise<RenderedServerPage> {
    if (!this.pages) return render();
    return this.pages.forceFetch(`${revision}:${key}`, { context: render });
  }
}
