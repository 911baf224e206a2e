import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/core';
import { EventRepository } from '@app/dal';

interface Waiter {
  after: number;
  wake: () => void;
}

export type CommitListener = (organizationId: string, sequence: number) => void;

/**
 * Tells who waits for an organization's next event that it was committed. Commits of this
 * process arrive at once (EventOutbox, after the commit); those of other replicas are found by
 * polling the organizations' counters every EVENTS_POLL_MS while anyone waits. A waiter that
 * registers after an event it waits for was seen wakes at once, so a read followed by a wait
 * never misses one. On shutdown every waiter wakes and new waits return at once.
 */
@Injectable()
export class EventNotifier implements OnModuleDestroy {
  private readonly logger = new Logger(EventNotifier.name);
  private readonly waiters = new Map<string, Set<Waiter>>();
  /** The highest committed sequence seen per organization (one number per organization). */
  private readonly seen = new Map<string, number>();
  private readonly listeners = new Set<CommitListener>();
  private poller: NodeJS.Timeout | null = null;
  private polling = false;
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: EventRepository,
  ) {}

  onModuleDestroy(): void {
    this.closed = true;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    for (const set of this.waiters.values()) for (const waiter of set) waiter.wake();
    this.waiters.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Called for every commit seen in this process (the deliverer listens). */
  listen(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(organizationId: string, sequence: number): void {
    this.advance(organizationId, sequence);
    for (const listener of this.listeners) listener(organizationId, sequence);
  }

  /**
   * Resolves once an event after `after` of the organization is known committed, after
   * `timeoutMs`, or at shutdown, whichever comes first.
   */
  wait(organizationId: string, after: number, timeoutMs: number): Promise<void> {
    if (this.closed || (this.seen.get(organizationId) ?? 0) > after || timeoutMs <= 0) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      let set = this.waiters.get(organizationId);
      if (!set) this.waiters.set(organizationId, (set = new Set()));
      const waiters = set;
      const waiter: Waiter = {
        after,
        wake: () => {
          clearTimeout(timer);
          waiters.delete(waiter);
          if (waiters.size === 0 && this.waiters.get(organizationId) === waiters) {
            this.waiters.delete(organizationId);
          }
          resolve();
        },
      };
      const timer = setTimeout(() => waiter.wake(), timeoutMs);
      waiters.add(waiter);
      this.startPolling();
    });
  }

  /**
   * Replaces what was seen of an organization by `horizon` read from the database after a wake
   * that found nothing new (an organization deleted and made again under the same id starts
   * over); a commit this misses is found again by the next poll.
   */
  correct(organizationId: string, horizon: number): void {
    if ((this.seen.get(organizationId) ?? 0) > horizon) this.seen.set(organizationId, horizon);
  }

  private advance(organizationId: string, sequence: number): void {
    if (sequence > (this.seen.get(organizationId) ?? 0)) this.seen.set(organizationId, sequence);
    const set = this.waiters.get(organizationId);
    if (!set) return;
    for (const waiter of [...set]) if (sequence > waiter.after) waiter.wake();
  }

  private startPolling(): void {
    if (this.poller || this.closed) return;
    this.poller = setInterval(() => void this.poll(), this.config.events.pollMs);
    this.poller.unref();
  }

  /** Other replicas' commits: the counters of the organizations someone waits on. */
  private async poll(): Promise<void> {
    if (this.waiters.size === 0) {
      if (this.poller) clearInterval(this.poller);
      this.poller = null;
      return;
    }
    if (this.polling) return;
    this.polling = true;
    try {
      const horizons = await this.events.horizons([...this.waiters.keys()]);
      for (const [organizationId, horizon] of horizons) this.advance(organizationId, horizon);
    } catch (error) {
      // The next poll tries again; waiters still time out on their own.
      this.logger.warn(`Polling event counters failed: ${(error as Error)?.name ?? 'error'}`);
    } finally {
      this.polling = false;
    }
  }
}
