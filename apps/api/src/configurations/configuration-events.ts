import type { McpConfigurationEntity } from '@app/dal';
import type { OutboxEvent } from '@app/events';
import { toMcpConfigurationResponse } from './mcp-configuration.mapper';

/** A configuration's event: its data is the configuration as the API shows it (no credentials). */
export function configurationEvent(
  type:
    | 'mcp_configuration.created'
    | 'mcp_configuration.updated'
    | 'mcp_configuration.deleted'
    | 'mcp_configuration.connection_changed',
  configuration: McpConfigurationEntity,
): OutboxEvent {
  return {
    type,
    resourceId: configuration.id,
    data: { ...toMcpConfigurationResponse(configuration) },
  };
}
