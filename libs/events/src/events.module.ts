import { DynamicModule, Global, Module } from '@nestjs/common';
import { EventRepository, WebhookClaimRepository, WebhookRepository } from '@app/dal';
import { EventMetrics } from './event-metrics';
import { EventNotifier } from './event-notifier';
import { EventOutbox } from './event-outbox';
import { EventRetention } from './event-retention.service';
import { EventSequencer } from './event-sequencer';
import { EVENTS_MODULE_OPTIONS, EventsModuleOptions } from './events.options';
import { WebhookDeliverer } from './webhooks/webhook-deliverer.service';
import { WebhookSender } from './webhooks/webhook-sender';

/**
 * The change feed's outbox, notifier and metrics (global: every module that writes a change
 * appends its event), the webhook deliverer and retention. Needs the config, database and
 * SecretBox modules of the app that imports it.
 */
@Global()
@Module({})
export class EventsModule {
  static forRoot(options: EventsModuleOptions): DynamicModule {
    return {
      module: EventsModule,
      providers: [
        { provide: EVENTS_MODULE_OPTIONS, useValue: options },
        EventRepository,
        WebhookRepository,
        WebhookClaimRepository,
        EventMetrics,
        EventNotifier,
        EventSequencer,
        EventOutbox,
        WebhookSender,
        WebhookDeliverer,
        EventRetention,
      ],
      exports: [
        EventRepository,
        WebhookRepository,
        EventMetrics,
        EventNotifier,
        EventSequencer,
        EventOutbox,
        WebhookDeliverer,
        EventRetention,
      ],
    };
  }
}
