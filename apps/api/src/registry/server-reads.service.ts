import { Injectable } from '@nestjs/common';
import {
  DEFAULT_PAGE_LIMIT,
  NotFoundError,
  OneOrganization,
  OrganizationScope,
  toPage,
} from '@app/core';
import { OrganizationScopeResolver, Principal } from '@app/auth';
import {
  McpServerHealthView,
  McpServerListFilter,
  McpServerPage,
  McpServerReadRepository,
  McpServerView,
  RegistryRevisionRepository,
  serverKey,
  ServerReach,
  ServerVisibility,
} from '@app/dal';
import type { ListServersQueryDto } from './dto/list-servers-query.dto';
import { afterServerCursor, serverPosition } from './server-list.cursor';
import { resolveServerOrganization } from './server-owner';
import { healthVisibilityOf, visibilityOf } from './server-visibility';

/** A server with what its response needs besides the row. */
export interface ServerWithReach {
  server: McpServerView;
  reach: ServerReach | undefined;
}

export interface ServerPage {
  items: ServerWithReach[];
  nextCursor: string | null;
  /** Matching servers in all pages; counted only when asked for (include_total). */
  total: number | null;
}

/** A list request with its scope and visibility resolved (once) and its query parsed. */
export interface ServerListRequest {
  scope: OrganizationScope;
  visibility: ServerVisibility;
  filter: McpServerListFilter;
  page: McpServerPage;
  includeTotal: boolean;
  /** What makes two requests the same page (the rendering adds its own part). */
  identity: unknown[];
}

/**
 * Reads of the registry: which organization (scope) and which of its servers (visibility) a key
 * reads, resolved once per request, then one repository read and the reach of what it found.
 */
@Injectable()
export class ServerReadsService {
  constructor(
    private readonly servers: McpServerReadRepository,
    private readonly revisions: RegistryRevisionRepository,
    private readonly scopes: OrganizationScopeResolver,
  ) {}

  async listRequest(principal: Principal, query: ListServersQueryDto): Promise<ServerListRequest> {
    const scope = await this.scopes.listScope(principal, query.organization_id);
    const visibility = visibilityOf(principal);
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const filter = {
      accessGroup: query.access_group,
      status: query.status,
      toolsDrift: query.tools_drift,
    };
    return {
      scope,
      visibility,
      filter,
      page: { limit, after: afterServerCursor(scope, query.cursor) },
      includeTotal: query.include_total === true,
      identity: [
        scope.kind === 'one' ? scope.organizationId : null,
        'wholeOrganization' in visibility ? true : visibility.accessGroups,
        query.access_group ?? null,
        query.status ?? null,
        query.tools_drift ?? null,
        limit,
        query.cursor ?? null,
        query.include_total === true,
      ],
    };
  }

  async list(request: ServerListRequest): Promise<ServerPage> {
    const { scope, visibility, filter, page } = request;
    const [rows, total] = await Promise.all([
      this.servers.listVisible(scope, visibility, filter, page),
      request.includeTotal ? this.servers.countVisible(scope, visibility, filter) : null,
    ]);
    const cut = toPage(rows, page.limit, (row) => serverPosition(scope, row));
    const grouped = cut.items.filter((row) => row.hasAccessGroups).map((row) => row.serverId);
    const reach = await this.servers.reachOf(scope, grouped);
    return {
      items: cut.items.map((server) => ({
        server,
        reach: reach.get(serverKey(server.organizationId, server.serverId)),
      })),
      nextCursor: cut.nextCursor,
      total,
    };
  }

  /** The organization's registry revision: a list page stays current while it does. */
  revision(scope: OneOrganization): Promise<number> {
    return this.revisions.current(scope);
  }

  async get(principal: Principal, serverId: string, requested?: string): Promise<ServerWithReach> {
    const owner = await this.ownerOf(principal, serverId, requested);
    const server = await this.servers.findVisible(owner, visibilityOf(principal), serverId);
    if (!server) throw new NotFoundError('Server');
    const reach = server.hasAccessGroups
      ? await this.servers.reachOfOne(owner, serverId)
      : undefined;
    return { server, reach };
  }

  /** Health of visible servers (in the order named); ids the key cannot see are simply absent. */
  async health(
    principal: Principal,
    serverIds: string[] | undefined,
    requested?: string,
  ): Promise<McpServerHealthView[]> {
    const scope = await this.scopes.listScope(principal, requested);
    const rows = await this.servers.healthOfVisible(
      scope,
      healthVisibilityOf(principal),
      serverIds,
    );
    if (!serverIds) return rows;
    const order = new Map(serverIds.map((id, index) => [id, index]));
    // Stable: a platform admin's rows of one id in several organizations keep their order.
    return rows.sort((a, b) => order.get(a.serverId)! - order.get(b.serverId)!);
  }

  async accessGroups(principal: Principal, requested?: string): Promise<string[]> {
    const scope = await this.scopes.listScope(principal, requested);
    return this.servers.visibleAccessGroups(scope, visibilityOf(principal));
  }

  /** The organization of `/v1/mcp/server/{server_id}` (see resolveServerOrganization). */
  ownerOf(principal: Principal, serverId: string, requested?: string): Promise<OneOrganization> {
    return resolveServerOrganization(this.scopes, this.servers, principal, serverId, requested);
  }
}
