import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/core';
import { EventRepository, WebhookClaimRepository } from '@app/dal';
import { EVENTS_MODULE_OPTIONS, EventsModuleOptions } from './events.options';

const DAY_MS = 86_400_000;
/** Rows deleted per statement, so pruning never holds long locks. */
const PRUNE_BATCH = 1_000;

/**
 * Deletes events and webhook delivery attempts older than EVENTS_RETENTION_DAYS, every
 * EVENTS_PRUNE_INTERVAL_MS, in every process that delivers webhooks (deletes are idempotent, so
 * replicas pruning at once only repeat each other). A feed reader asking for a pruned sequence
 * then gets 410.
 */
@Injectable()
export class EventRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('EventRetention');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENTS_MODULE_OPTIONS) private readonly options: EventsModuleOptions,
    private readonly events: EventRepository,
    private readonly claims: WebhookClaimRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.deliveries !== 'always' && !this.config.webhooks.workerEnabled) return;
    this.timer = setInterval(() => this.tick(), this.config.events.pruneIntervalMs);
    this.timer.unref();
    this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Prunes once now (unless a prune is running); resolves when it is done. */
  prune(): Promise<void> {
    this.running ??= this.pruneOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private tick(): void {
    void this.prune();
  }

  private async pruneOnce(): Promise<void> {
    const cutoff = new Date(Date.now() - this.config.events.retentionDays * DAY_MS);
    try {
      const events = await this.events.prune(cutoff, PRUNE_BATCH);
      const attempts = await this.claims.pruneDeliveries(cutoff, PRUNE_BATCH);
      if (events + attempts > 0) {
        this.logger.log(`Pruned ${events} events and ${attempts} delivery attempts`);
      }
    } catch (error) {
      this.logger.warn(`Pruning events failed: ${(error as Error)?.name ?? 'error'}`);
    }
  }
}
