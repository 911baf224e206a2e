import type { OutboxEvent } from '@app/events';
import { toServerResponse } from './server-registry.mapper';
import type { ServerWithReach } from './server-reads.service';

/** A registry server's event: its data is the server as an org_admin reads it (secrets masked). */
export function serverEvent(
  type: 'mcp_server.created' | 'mcp_server.updated' | 'mcp_server.deleted',
  { server, reach }: ServerWithReach,
): OutboxEvent {
  return {
    type,
    resourceId: server.serverId,
    data: { ...toServerResponse(server, reach, { hideConnection: false }) },
  };
}
