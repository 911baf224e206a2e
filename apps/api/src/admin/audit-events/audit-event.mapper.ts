import type { AuditEventEntity } from '@app/dal';
import type { AuditEventResponseDto } from './dto/audit-event-response.dto';

export function toAuditEventResponse(event: AuditEventEntity): AuditEventResponseDto {
  return {
    id: event.id,
    organization_id: event.organizationId,
    actor_key_id: event.actorKeyId,
    actor_user_id: event.actorUserId,
    action: event.action,
    resource_type: event.resourceType,
    resource_id: event.resourceId,
    request_id: event.requestId,
    changes: event.changes,
    created_at: event.createdAt.toISOString(),
  };
}
