import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/core';
import { EventRepository } from '@app/dal';
import { EventMetrics } from './event-metrics';
import { EventNotifier } from './event-notifier';

/** Events numbered per transaction at most (a burst is numbered in a few short turns). */
const BATCH = 500;
/** Organizations swept per poll for events a writer left unnumbered. */
const SWEEP_ORGANIZATIONS = 100;

/**
 * Numbers committed events (EventRepository.assignSequences) and tells waiters. The process that
 * committed an event numbers it right after the commit (EventOutbox asks); one numbering per
 * organization runs at a time in this process, and a request arriving meanwhile runs once more
 * after it, so a burst of commits is numbered in a few batches. Every EVENTS_POLL_MS a sweep
 * numbers what a writer that died between its commit and the numbering left behind.
 */
@Injectable()
export class EventSequencer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('EventSequencer');
  /** Organization → the numbering running for it, and whether another is asked for. */
  private readonly running = new Map<string, { again: boolean; done: Promise<void> }>();
  private sweeper: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: EventRepository,
    private readonly notifier: EventNotifier,
    private readonly metrics: EventMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => void this.sweep(), this.config.events.pollMs);
    this.sweeper.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await Promise.all([...this.running.values()].map((run) => run.done));
  }

  /** Numbers the organization's committed events soon; resolves when that run is done. */
  sequence(organizationId: string): Promise<void> {
    const current = this.running.get(organizationId);
    if (current) {
      current.again = true;
      return current.done;
    }
    const run = { again: false, done: Promise.resolve() };
    run.done = this.drain(organizationId, run).finally(() => {
      this.running.delete(organizationId);
    });
    this.running.set(organizationId, run);
    return run.done;
  }

  private async drain(organizationId: string, run: { again: boolean }): Promise<void> {
    for (;;) {
      run.again = false;
      try {
        const { assigned, horizon, types } = await this.events.assignSequences(
          organizationId,
          BATCH,
        );
        if (assigned > 0) {
          for (const type of types) this.metrics.eventWritten(type);
          this.notifier.notify(organizationId, horizon);
        }
        if (assigned === BATCH) run.again = true;
      } catch (error) {
        // The next commit or sweep numbers them; nothing is lost, only later.
        this.logger.warn(`Numbering events failed: ${(error as Error)?.name ?? 'error'}`);
        return;
      }
      if (!run.again || this.stopped) return;
    }
  }

  private async sweep(): Promise<void> {
    if (this.stopped) return;
    try {
      const organizations = await this.events.unsequencedOrganizations(SWEEP_ORGANIZATIONS);
      await Promise.all(organizations.map((organizationId) => this.sequence(organizationId)));
    } catch (error) {
      this.logger.warn(`Sweeping unnumbered events failed: ${(error as Error)?.name ?? 'error'}`);
    }
  }
}
