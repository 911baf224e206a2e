import type { McpConfigurationEntity } from '@app/dal';
import type { McpConfigurationResponseDto } from './dto/mcp-configuration-response.dto';
import type { McpCredentialsResponseDto } from './dto/mcp-credentials-response.dto';
import type { McpCredentials } from '../shared/credentials/credentials.schema';

export interface ToolConfiguration {
  enabled: boolean;
  allowed_tools: string[];
}

export const DEFAULT_TOOL_CONFIGURATION: ToolConfiguration = { enabled: false, allowed_tools: [] };

export function parseToolConfiguration(json: string | null): ToolConfiguration {
  if (!json) return { ...DEFAULT_TOOL_CONFIGURATION, allowed_tools: [] };
  try {
    const value = JSON.parse(json) as Partial<ToolConfiguration>;
    return {
      enabled: value.enabled === true,
      allowed_tools: Array.isArray(value.allowed_tools) ? value.allowed_tools.map(String) : [],
    };
  } catch {
    return { ...DEFAULT_TOOL_CONFIGURATION, allowed_tools: [] };
  }
}

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
    tool_configuration: parseToolConfiguration(entity.toolConfiguration),
    has_credentials: entity.credentialsSealed !== null,
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
