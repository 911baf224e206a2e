import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/core';

/** A list page as sent: the body (UTF-8 bytes, so a hit converts nothing) and its headers. */
export interface RenderedServerPage {
  body: Buffer;
  etag: string;
  nextCursor: string | null;
  total: number | null;
}

interface Entry {
  revision: number;
  page: RenderedServerPage;
  renderedAt: number;
}

/**
 * Rendered GET /v1/mcp/server pages, each kept with the organization's registry revision it was
 * rendered at. A page is served only while that revision is still current, so every replica
 * sees a write as soon as it commits.
 *
 * The TTL covers what no revision tracks (writes made outside the app): a page older than it is
 * rendered again. The request that finds it old still gets it while the new render runs in the
 * background (stale-while-revalidate), so pages expiring under load cost no one a wait. Concurrent
 * misses of one page at one revision share a single render.
 */
@Injectable()
export class ServerListCache {
  /** Least recently used first (a hit moves its key to the end). */
  private readonly pages = new Map<string, Entry>();
  private readonly rendering = new Map<
    string,
    { revision: number; page: Promise<RenderedServerPage> }
  >();
  private readonly maxEntries: number;
  private readonly ttlMs: number;

  /** The clock pages age by (tests set their own). */
  now: () => number = Date.now;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.maxEntries = config.registry.listCacheMax;
    this.ttlMs = config.registry.listCacheTtlMs;
  }

  get enabled(): boolean {
    return this.maxEntries > 0 && this.ttlMs > 0;
  }

  /**
   * The page for `key` at `revision`: the kept one while it is current (refreshed in the
   * background once older than the TTL), else the render under way for the same key and
   * revision, else a new `render()`, whose result is kept.
   */
  async resolve(
    key: string,
    revision: number,
    render: () => Promise<RenderedServerPage>,
  ): Promise<RenderedServerPage> {
    const entry = this.pages.get(key);
    if (entry && entry.revision === revision) {
      this.pages.delete(key);
      this.pages.set(key, entry);
      if (this.now() - entry.renderedAt >= this.ttlMs) {
        // Failures are left to the next request, which tries again.
        this.renderOnce(key, revision, render).catch(() => undefined);
      }
      return entry.page;
    }
    if (entry) this.pages.delete(key);
    return this.renderOnce(key, revision, render);
  }

  private renderOnce(
    key: string,
    revision: number,
    render: () => Promise<RenderedServerPage>,
  ): Promise<RenderedServerPage> {
    const current = this.rendering.get(key);
    if (current && current.revision === revision) return current.page;
    const inFlight = { revision, page: render() };
    this.rendering.set(key, inFlight);
    return inFlight.page.then(
      (page) => {
        if (this.rendering.get(key) === inFlight) this.rendering.delete(key);
        this.keep(key, { revision, page, renderedAt: this.now() });
        return page;
      },
      (error: unknown) => {
        if (this.rendering.get(key) === inFlight) this.rendering.delete(key);
        throw error;
      },
    );
  }

  private keep(key: string, entry: Entry): void {
    if (!this.enabled) return;
    const kept = this.pages.get(key);
    // A render that started earlier never replaces a newer revision's page.
    if (kept && kept.revision > entry.revision) return;
    this.pages.delete(key);
    this.pages.set(key, entry);
    while (this.pages.size > this.maxEntries) {
      this.pages.delete(this.pages.keys().next().value as string);
    }
  }
}
