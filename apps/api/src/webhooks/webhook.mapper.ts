import type { WebhookDeliveryEntity, WebhookEntity } from '@app/dal';
import { toWebhookView } from '@app/events';
import type {
  CreatedWebhookResponseDto,
  WebhookDeliveryResponseDto,
  WebhookResponseDto,
} from './dto/webhook-response.dto';

/** The one response shape of a subscription (the same as `webhook.disabled` events carry). */
export function toWebhookResponse(webhook: WebhookEntity): WebhookResponseDto {
  return toWebhookView(webhook);
}

/** The one response that carries the signing secret. */
export function toCreatedWebhookResponse(
  webhook: WebhookEntity,
  secret: string,
): CreatedWebhookResponseDto {
  return { ...toWebhookView(webhook), secret };
}

export function toWebhookDeliveryResponse(
  delivery: WebhookDeliveryEntity,
): WebhookDeliveryResponseDto {
  return {
    id: delivery.id,
    event_id: delivery.eventId,
    sequence: delivery.sequence,
    event_type: delivery.eventType,
    attempt: delivery.attempt,
    outcome: delivery.outcome,
    http_status: delivery.httpStatus,
    error: delivery.error,
    duration_ms: delivery.durationMs,
    attempted_at: delivery.attemptedAt.toISOString(),
    next_attempt_at: delivery.nextAttemptAt?.toISOString() ?? null,
  };
}
