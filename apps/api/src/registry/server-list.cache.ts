import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, BoundedTtlCache } from '@app/core';

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
}

/**
 * Rendered GET /v1/mcp/server pages, each kept with the organization's registry revision it was
 * rendered at. A page is served again only while that revision is still current, so every
 * replica sees a write as soon as it commits; the TTL only bounds how long a write made outside
 * the app (which bumps no revision) can go unseen.
 */
@Injectable()
export class ServerListCache {
  private readonly pages: BoundedTtlCache<string, Entry>;
  /** Renders under way: concurrent misses of one page at one revision share a single render. */
  private readonly rendering = new Map<
    string,
    { revision: number; page: Promise<RenderedServerPage> }
  >();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.pages = new BoundedTtlCache(config.registry.listCacheMax, config.registry.listCacheTtlMs);
  }

  get enabled(): boolean {
    return this.pages.enabled;
  }

  private get(key: string, revision: number): RenderedServerPage | undefined {
    const entry = this.pages.get(key);
    if (entry === undefined) return undefined;
    if (entry.revision !== revision) {
      this.pages.delete(key);
      return undefined;
    }
    return entry.page;
  }

  private set(key: string, revision: number, page: RenderedServerPage): void {
    this.pages.set(key, { revision, page });
  }

  /**
   * The page for `key` at `revision`: from the cache, else from the render already under way for
   * the same key and revision, else from a new `render()` whose result is kept. Without the
   * sharing, a page expiring under load would be rendered once per waiting request.
   */
  async resolve(
    key: string,
    revision: number,
    render: () => Promise<RenderedServerPage>,
  ): Promise<RenderedServerPage> {
    const cached = this.get(key, revision);
    if (cached) return cached;
    const current = this.rendering.get(key);
    if (current && current.revision === revision) return current.page;
    const page = render();
    const entry = { revision, page };
    this.rendering.set(key, entry);
    try {
      const rendered = await page;
      this.set(key, revision, rendered);
      return rendered;
    } finally {
      if (this.rendering.get(key) === entry) this.rendering.delete(key);
    }
  }
}
