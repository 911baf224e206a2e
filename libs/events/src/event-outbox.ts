import { Injectable } from '@nestjs/common';
import { newId, OneOrganization } from '@app/core';
import { afterCommit, EventRepository, Transaction } from '@app/dal';
import type { EventType } from './event-types';
import { EventSequencer } from './event-sequencer';

export interface OutboxEvent {
  type: EventType;
  resourceId: string;
  /** The resource as the API shows it to an org_admin (secrets masked as in responses). */
  data: Record<string, unknown>;
}

/**
 * Writes an event in the transaction of the change it describes (the transactional outbox): it
 * commits with the change or not at all. Once the transaction commits, this process numbers it
 * (EventSequencer), which wakes long-polling readers and the webhook deliverer here at once;
 * other replicas see it at their next poll of the database.
 */
@Injectable()
export class EventOutbox {
  constructor(
    private readonly events: EventRepository,
    private readonly sequencer: EventSequencer,
  ) {}

  async append(tx: Transaction, scope: OneOrganization, event: OutboxEvent): Promise<void> {
    await this.events.append(
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
    const { organizationId } = scope;
    afterCommit(tx, () => void this.sequencer.sequence(organizationId));
  }
}
