import { NotFoundError, OneOrganization, organizationOfRow, ValidationError } from '@app/core';
import type { OrganizationScopeResolver, Principal } from '@app/auth';
import type { McpServerReadRepository } from '@app/dal';
import { SERVER_ID_PATTERN } from './dto/registry-fields';

/** How many organizations the 400 for an ambiguous id names. */
const NAMED_ORGANIZATIONS = 10;

/**
 * The organization a route naming `/v1/mcp/server/{server_id}` looks in. A server_id is unique per
 * organization only: every key but a platform admin's looks in its own organization (naming
 * another is a 404, as if the server did not exist). A platform admin names the organization with
 * `?organization_id=`; without it, the id must exist in exactly one organization, and an id used
 * by several is a 400 naming `organization_id` (a missing parameter, like on its writes).
 */
export async function resolveServerOrganization(
  scopes: OrganizationScopeResolver,
  servers: McpServerReadRepository,
  principal: Principal,
  serverId: string,
  requested: string | undefined,
): Promise<OneOrganization> {
  if (!SERVER_ID_PATTERN.test(serverId)) throw new NotFoundError('Server');
  const scope = scopes.recordScope(principal, requested, 'Server');
  if (scope.kind === 'one') return scope;
  const owners = await servers.organizationsOfServerId(scope, serverId, NAMED_ORGANIZATIONS + 1);
  if (owners.length === 0) throw new NotFoundError('Server');
  if (owners.length === 1) return organizationOfRow(scope, { organizationId: owners[0] });
  const named = owners.slice(0, NAMED_ORGANIZATIONS).join(', ');
  const more = owners.length > NAMED_ORGANIZATIONS ? ', …' : '';
  throw ValidationError.field(
    'organization_id',
    `is required: server_id "${serverId}" exists in several organizations (${named}${more})`,
  );
}
