import type { SecretAad } from '@app/crypto';
import { SEALED_RESOURCE_TYPES } from '@app/dal';

/** The AAD a configuration's credentials are sealed with: bound to its id and organization. */
export function configurationCredentialsAad(id: string, organizationId: string): SecretAad {
  return {
    resourceType: SEALED_RESOURCE_TYPES.configurationCredentials,
    resourceId: id,
    organizationId,
  };
}

/** The audit events' resource type of configurations (writes and credential reads). */
export const MCP_CONFIGURATION_RESOURCE = 'mcp_configuration';
