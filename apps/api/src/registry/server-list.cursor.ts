import { decodeCursor, KeysetPosition, OrganizationScope, ValidationError } from '@app/core';
import type { McpServerPage, McpServerView } from '@app/dal';

/*
 * The registry list's cursor: the keyset position of the last server of a page. Inside one
 * organization it is (created_at, server_id); across organizations a server_id repeats, so the
 * id is `server_id/organization_id` (a server_id has no "/").
 */

/** Where the page after `cursor` starts; absent for the first page, a 400 for a foreign cursor. */
export function afterServerCursor(
  scope: OrganizationScope,
  cursor: string | undefined,
): McpServerPage['after'] {
  const position = decodeCursor(cursor);
  if (!position) return undefined;
  if (scope.kind === 'one') return { createdAt: position.createdAt, serverId: position.id };
  const slash = position.id.lastIndexOf('/');
  if (slash <= 0) {
    throw ValidationError.field('cursor', 'is not a cursor returned by a previous page');
  }
  return {
    createdAt: position.createdAt,
    serverId: position.id.slice(0, slash),
    organizationId: position.id.slice(slash + 1),
  };
}

/** The keyset position of a listed server, for the next page's cursor. */
export function serverPosition(scope: OrganizationScope, server: McpServerView): KeysetPosition {
  return {
    createdAt: server.createdAt,
    id: scope.kind === 'all' ? `${server.serverId}/${server.organizationId}` : server.serverId,
  };
}
