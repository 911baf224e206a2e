import type { Role } from '@app/auth';
import type { ApiKeyWithGrants } from '@app/dal';
import type { ApiKeyResponseDto } from './dto/api-key-response.dto';
import type { CreatedApiKeyResponseDto } from './dto/created-api-key-response.dto';

export function toApiKeyResponse({
  key,
  accessGroups,
  teamIds,
}: ApiKeyWithGrants): ApiKeyResponseDto {
  return {
    key_id: key.id,
    key_prefix: key.keyPrefix,
    name: key.name,
    organization_id: key.organizationId,
    role: key.role as Role,
    user_id: key.userId,
    access_groups: accessGroups,
    team_ids: teamIds,
    created_at: key.createdAt.toISOString(),
    expires_at: key.expiresAt ? key.expiresAt.toISOString() : null,
    revoked_at: key.revokedAt ? key.revokedAt.toISOString() : null,
  };
}

/** The one response that carries the secret (create and rotate). */
export function toCreatedApiKeyResponse(
  key: ApiKeyWithGrants,
  secret: string,
): CreatedApiKeyResponseDto {
  const { key_id, ...rest } = toApiKeyResponse(key);
  return { key_id, key: secret, ...rest };
}
