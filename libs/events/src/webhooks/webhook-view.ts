import type { WebhookEntity } from '@app/dal';

/** A webhook subscription as the API shows it (never its secret after the create). */
export interface WebhookView {
  id: string;
  organization_id: string;
  url: string;
  types: string[];
  active: boolean;
  /** Every event up to this sequence is done (delivered, or not of a subscribed type). */
  delivered_sequence: number;
  /** Failed attempts of the next event, and when it is tried again. */
  failed_attempts: number;
  next_attempt_at: string | null;
  disabled_at: string | null;
  disabled_reason: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export function toWebhookView(webhook: WebhookEntity): WebhookView {
  return {
    id: webhook.id,
    organization_id: webhook.organizationId,
    url: webhook.url,
    types: webhook.types,
    active: webhook.active,
    delivered_sequence: webhook.deliveredSequence,
    failed_attempts: webhook.attempts,
    next_attempt_at: webhook.nextAttemptAt?.toISOString() ?? null,
    disabled_at: webhook.disabledAt?.toISOString() ?? null,
    disabled_reason: webhook.disabledReason,
    created_by: webhook.createdBy,
    created_at: webhook.createdAt.toISOString(),
    updated_at: webhook.updatedAt.toISOString(),
  };
}
