import type { FeedEvent } from '@app/dal';

/** An event as the feed returns it and a webhook delivers it. */
export interface EventView {
  id: string;
  sequence: number;
  type: string;
  organization_id: string;
  resource_id: string;
  occurred_at: string;
  data: Record<string, unknown> | null;
}

export function toEventView(event: FeedEvent): EventView {
  return {
    id: event.id,
    sequence: event.sequence,
    type: event.type,
    organization_id: event.organizationId,
    resource_id: event.resourceId,
    occurred_at: event.occurredAt.toISOString(),
    data: event.data,
  };
}
