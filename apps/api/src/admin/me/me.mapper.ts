import type { Principal } from '@app/auth';
import type { ApiKeyWithGrants } from '@app/dal';
import type { MeResponseDto } from './dto/me-response.dto';

export function toMeResponse(principal: Principal, { key }: ApiKeyWithGrants): MeResponseDto {
  return {
    key_id: principal.keyId,
    key_prefix: key.keyPrefix,
    name: key.name,
    role: principal.role,
    organization_id: principal.organizationId,
    user_id: principal.userId,
    access_groups: [...principal.accessGroups],
    team_ids: [...principal.teamIds],
    expires_at: key.expiresAt ? key.expiresAt.toISOString() : null,
    created_at: key.createdAt.toISOString(),
  };
}
