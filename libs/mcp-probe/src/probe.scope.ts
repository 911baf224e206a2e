type Cleanup = () => unknown;

/**
 * Owns everything one probe opens. Work that is still running when the probe gives up can keep
 * registering resources, so anything deferred after disposal is released on the spot.
 */
export class ProbeScope {
  private readonly controller = new AbortController();
  private readonly cleanups: Cleanup[] = [];
  private disposed = false;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get closed(): boolean {
    return this.disposed;
  }

  defer(cleanup: Cleanup): void {
    if (this.disposed) {
      void settle(cleanup);
      return;
    }
    this.cleanups.push(cleanup);
  }

  /** Aborts in-flight requests, then releases resources newest first within `budgetMs`. */
  async dispose(budgetMs: number): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.controller.abort();
    const cleanups = this.cleanups.splice(0).reverse();
    const all = (async () => {
      for (const cleanup of cleanups) await settle(cleanup);
    })();
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, budgetMs);
    });
    await Promise.race([all, budget]);
    clearTimeout(timer);
  }
}

async function settle(cleanup: Cleanup): Promise<void> {
  try {
    await cleanup();
  } catch {
    // Releasing is best effort: a socket or child that already died needs nothing more.
  }
}
