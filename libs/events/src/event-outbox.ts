import { Injectable } from '@nestjs/common';
import { newId, OneOrganization } from '@app/core';
import { afterCommit, EventRepository, Transaction } from '@app/dal';
import type { EventType } from './event-types';
import { EventMetrics } from './event-metrics';
import { EventNotifier } from './event-notifier';

export interface OutboxEvent {
  type: EventType;
  resourceId: string;
  /** The resource as the API shows it to an org_admin (secrets masked as in responses). */
  data: Record<string, unknown>;
}

/**
 * Writes an event in the transaction of the change it describes (the transactional outbox): it
 * commits with the change or not at all. Once the transaction commits, waiters in this process
 * (long-polling feed readers, the webhook deliverer) are woken at once; other replicas see it at
 * their next poll of the database. Append as the last write of the transaction (see
 * EventRepository.append: the organization's counter stays locked until the commit).
 */
@Injectable()
export class EventOutbox {
  constructor(
    private readonly events: EventRepository,
    private readonly notifier: EventNotifier,
    private readonly metrics: EventMetrics,
  ) {}

  async append(tx: Transaction, scope: OneOrganization, event: OutboxEvent): Promise<void> {
    const stored = await this.events.append(
      scope,
      {
        id: newId('ev'),
        type: event.type,
        resourceId: event.resourceId,
        occurredAt: new Date(),
        data: event.data,
      },
      tx,
    );
    afterCommit(tx, () => {
      this.metrics.eventWritten(stored.type);
      this.notifier.notify(stored.organizationId, stored.sequence);
    });
  }
}
