import type { AuditEventEntity } from '@app/dal';
import type { AuditEventResponseDto } from './dto/audit-event-response.dto';

function parseChanges(changes: string | null): Record<string, unknown> | null {
  if (!changes) return null;
  try {
    const parsed: unknown = JSON.parse(changes);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

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
    changes: parseChanges(event.changes),
    created_at: event.createdAt.toISOString(),
  };
}
