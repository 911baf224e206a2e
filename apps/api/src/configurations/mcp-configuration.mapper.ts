import type { McpConfigurationEntity } from '@app/dal';
import type { McpConfigurationResponseDto } from './dto/mcp-configuration-response.dto';
import type { McpCredentialsResponseDto } from './dto/mcp-credentials-response.dto';
import type { McpCredentials } from '../shared/credentials/credentials.schema';
import { toToolDriftFields } from '../shared/tool-baselines/tool-drift.fields';

/** The one response shape of a configuration (seed 000); credentials never appear in it. */
export function toMcpConfigurationResponse(
  entity: McpConfigurationEntity,
): McpConfigurationResponseDto {
  return {
    id: entity.id,
    name: entity.name,
    type: entity.type,
    organization_id: entity.organizationId,
    userId: entity.userId,
    server_url: entity.serverUrl,
    transportType: entity.transportType,
    authType: entity.authType,
    isActive: entity.isActive,
    connectionStatus: entity.connectionStatus,
    lastConnectedAt: entity.lastConnectedAt ? entity.lastConnectedAt.toISOString() : null,
    errorMessage: entity.errorMessage,
    created_at: entity.createdAt.toISOString(),
    updated_at: entity.updatedAt.toISOString(),
    tool_configuration: {
      enabled: entity.toolConfiguration.enabled,
      allowed_tools: entity.toolConfiguration.allowed_tools,
    },
    has_credentials: entity.credentialsSealed !== null,
    ...toToolDriftFields(entity),
  };
}

export function toMcpCredentialsResponse(
  entity: McpConfigurationEntity,
  credentials: McpCredentials | null,
): McpCredentialsResponseDto {
  return {
    id: entity.id,
    organization_id: entity.organizationId,
    auth_type: entity.authType,
    credentials,
  };
}
