import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  APP_CONFIG,
  AppConfig,
  decodeCursor,
  DEFAULT_PAGE_LIMIT,
  newUuid,
  NotFoundError,
  OneOrganization,
  OrganizationScope,
  Page,
  PreconditionFailedError,
  toPage,
  ValidationError,
} from '@app/core';
import { AuditService, isPlatformAdmin, OrganizationScopeResolver, Principal } from '@app/auth';
import { SecretAad, SecretBox } from '@app/crypto';
import {
  aliasKeyOf,
  McpServerChanges,
  McpServerEntity,
  mcpServerConflictError,
  McpServerHealthView,
  McpServerListFilter,
  McpServerPage,
  McpServerRepository,
  McpServerToolsView,
  McpServerView,
  RegistryRevisionRepository,
  SEALED_RESOURCE_TYPES,
  serverKey,
  serverNameKeyOf,
  ServerReach,
  viewOfEntity,
} from '@app/dal';
import type { CreateServerDto } from './dto/create-server.dto';
import type { ListServersQueryDto } from './dto/list-servers-query.dto';
import { MAX_HEALTH_SERVER_IDS } from './dto/server-health-query.dto';
import type { UpdateServerDto } from './dto/update-server.dto';
import { SERVER_ID_PATTERN } from './dto/registry-fields';
import { IfMatch, ifMatchAllows, listEtag } from '../shared/http-cache';
import { RenderedServerPage, ServerListCache } from './server-list.cache';
import { toServerResponse } from './server-registry.mapper';
import { assertSecretsStayWithDestination } from '../shared/secret-destination';
import { containsMask, maskedFields, restoreMasked, serverSecretDestination } from './secret-mask';
import { CheckedCredentials, credentialFieldNames } from '../shared/credentials/credentials.schema';
import { normalizeServerInput, ServerInput } from './server-input.normalizer';
import { resolveServerOrganization } from './server-owner';
import { healthVisibilityOf, visibilityOf } from './server-visibility';
import { assertMayDefineStdio } from './stdio-permission';

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

const RESOURCE_TYPE = 'mcp_server';
const ENV_RESOURCE = SEALED_RESOURCE_TYPES.serverEnv;
const CREDENTIALS_RESOURCE = SEALED_RESOURCE_TYPES.serverCredentials;
/** GET /v1/mcp/server/health is a route of its own, so no server may be called that. */
const RESERVED_SERVER_IDS = new Set(['health']);

/** Registry rules: scoping, visibility, secrets, row-locked writes and If-Match, audit. */
@Injectable()
export class ServerRegistryService {
  constructor(
    private readonly servers: McpServerRepository,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditService,
    private readonly revisions: RegistryRevisionRepository,
    private readonly listCache: ServerListCache,
    private readonly scopes: OrganizationScopeResolver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(principal: Principal, dto: CreateServerDto): Promise<ServerWithReach> {
    const scope = await this.scopes.createScope(principal, dto.organization_id, 'servers');
    const { organizationId } = scope;
    assertMayDefineStdio(principal, null, dto);
    const input = normalizeServerInput(dto, this.config.mcp.stdioCommandAllowlist);
    const serverId = input.serverId ?? newUuid();
    if (RESERVED_SERVER_IDS.has(serverId)) {
      throw ValidationError.field('server_id', `"${serverId}" is reserved`);
    }
    // Nothing is stored yet, so a mask cannot stand for a stored value.
    const env = restoreMasked(input.env, null, 'env');
    const credentials = input.credentials && restoreMasked(input.credentials, null, 'credentials');
    const now = new Date();
    const actor = actorOf(principal);

    return this.servers.transaction(async (manager) => {
      await this.assertUnique(scope, serverId, input, null, manager);
      const server: McpServerEntity = {
        serverId,
        organizationId,
        ...this.columnsOf(organizationId, serverId, input, env, credentials, actor, now),
        createdAt: now,
        createdBy: actor,
        version: 1,
        status: 'unknown',
        lastHealthCheck: null,
        healthCheckError: null,
        toolCount: null,
        latencyMs: null,
        consecutiveFailures: 0,
        discoveredTools: null,
        protocolVersion: null,
        protocolEra: null,
        // Probes of an sse server speak the deprecated HTTP+SSE transport: known before the first.
        transportDeprecated: input.transport === 'sse',
        toolsFreshUntil: null,
        claimOwner: null,
        claimExpiresAt: null,
      };
      await this.servers.insert(scope, server, input.accessGroups, manager);
      await this.audit.record(
        principal,
        {
          action: 'mcp_server.create',
          resourceType: RESOURCE_TYPE,
          resourceId: serverId,
          organizationId,
          changes: auditSummary(input, env, credentials),
        },
        manager,
      );
      // The response is built from what was written; only the teams reaching it are read.
      const reach =
        input.accessGroups.length > 0
          ? (await this.servers.reachOf(scope, [serverId], manager)).get(
              serverKey(organizationId, serverId),
            )
          : undefined;
      return { server: viewOfEntity(server), reach };
    });
  }

  /**
   * Replaces the whole server. The row is locked for the write, so concurrent PUTs take turns:
   * without If-Match each one is applied in turn and the last writer wins; with If-Match the
   * write happens only if the locked row is still at one of the named versions, else 412.
   */
  async replace(
    principal: Principal,
    dto: UpdateServerDto,
    ifMatch: IfMatch | undefined,
  ): Promise<ServerWithReach> {
    const scope = this.replaceScope(principal, dto.organization_id);
    const { organizationId } = scope;
    assertMayDefineStdio(principal, null, dto);
    const input = normalizeServerInput(dto, this.config.mcp.stdioCommandAllowlist);
    const serverId = dto.server_id;
    const actor = actorOf(principal);

    return this.servers.transaction(async (manager) => {
      const current = await this.servers.findForWrite(scope, serverId, manager);
      if (!current) throw new NotFoundError('Server');
      assertMayDefineStdio(principal, current, input);
      if (ifMatch && !ifMatchAllows(ifMatch, current.version)) {
        throw new PreconditionFailedError();
      }
      await this.assertUnique(scope, serverId, input, serverId, manager);
      assertSecretsStayWithDestination(
        serverSecretDestination(current),
        serverSecretDestination(input),
        [...maskedFields(input.env, 'env'), ...maskedFields(input.credentials, 'credentials')],
      );
      const env = restoreMasked(
        input.env,
        containsMask(input.env) ? this.openEnv(current) : null,
        'env',
      );
      const credentials =
        input.credentials &&
        restoreMasked(
          input.credentials,
          containsMask(input.credentials) ? this.openCredentials(current) : null,
          'credentials',
        );
      const now = new Date();
      const changes: McpServerChanges = this.columnsOf(
        organizationId,
        serverId,
        input,
        env,
        credentials,
        actor,
        now,
      );
      const written = await this.servers.updateIfVersion(
        scope,
        serverId,
        current.createdAt,
        current.version,
        changes,
        input.accessGroups,
        manager,
      );
      // The row is locked, so its version cannot have moved: a miss here is a bug, not a race.
      if (!written) throw new Error(`Server ${serverId} changed while locked for a write`);
      await this.audit.record(
        principal,
        {
          action: 'mcp_server.update',
          resourceType: RESOURCE_TYPE,
          resourceId: serverId,
          organizationId,
          changes: auditSummary(input, env, credentials),
        },
        manager,
      );
      return this.readBack(scope, serverId, manager);
    });
  }

  async remove(principal: Principal, serverId: string, organizationId?: string): Promise<string> {
    const owner = await resolveServerOrganization(
      this.scopes,
      this.servers,
      principal,
      serverId,
      organizationId,
    );
    await this.servers.transaction(async (manager) => {
      const current = await this.servers.findForWrite(owner, serverId, manager);
      if (!current) throw new NotFoundError('Server');
      assertMayDefineStdio(principal, current, null);
      if (!(await this.servers.delete(owner, serverId, manager))) {
        throw new NotFoundError('Server');
      }
      await this.audit.record(
        principal,
        {
          action: 'mcp_server.delete',
          resourceType: RESOURCE_TYPE,
          resourceId: serverId,
          organizationId: owner.organizationId,
          changes: { server_name: current.serverName, alias: current.alias },
        },
        manager,
      );
    });
    return `Server ${serverId} deleted`;
  }

  async get(
    principal: Principal,
    serverId: string,
    organizationId?: string,
  ): Promise<ServerWithReach> {
    const owner = await resolveServerOrganization(
      this.scopes,
      this.servers,
      principal,
      serverId,
      organizationId,
    );
    const server = await this.servers.findVisible(owner, visibilityOf(principal), serverId);
    if (!server) throw new NotFoundError('Server');
    const reach = server.hasAccessGroups
      ? (await this.servers.reachOf(owner, [serverId])).get(
          serverKey(owner.organizationId, serverId),
        )
      : undefined;
    return { server, reach };
  }

  /**
   * One list page as sent. Within one organization the rendered page is reused while the
   * organization's registry revision is unchanged: the revision is read first, so a page is never
   * stored under a revision older than the data it shows.
   */
  async listRendered(
    principal: Principal,
    query: ListServersQueryDto,
  ): Promise<RenderedServerPage> {
    const scope = await this.scopes.listScope(principal, query.organization_id);
    const hideConnection = principal.role === 'viewer';
    if (scope.kind === 'all' || !this.listCache.enabled) {
      return this.renderList(await this.list(principal, scope, query), hideConnection);
    }
    const visibility = visibilityOf(principal);
    const key = JSON.stringify([
      scope.organizationId,
      'wholeOrganization' in visibility ? true : visibility.accessGroups,
      hideConnection,
      query.access_group ?? null,
      query.status ?? null,
      query.limit ?? DEFAULT_PAGE_LIMIT,
      query.cursor ?? null,
      query.include_total === true,
    ]);
    const revision = await this.revisions.current(scope);
    return this.listCache.resolve(key, revision, async () =>
      this.renderList(await this.list(principal, scope, query), hideConnection),
    );
  }

  private renderList(page: ServerPage, hideConnection: boolean): RenderedServerPage {
    const body = JSON.stringify(
      page.items.map(({ server, reach }) => toServerResponse(server, reach, { hideConnection })),
    );
    return {
      body: Buffer.from(body, 'utf8'),
      etag: listEtag(body, page.nextCursor, page.total),
      nextCursor: page.nextCursor,
      total: page.total,
    };
  }

  private async list(
    principal: Principal,
    scope: OrganizationScope,
    query: ListServersQueryDto,
  ): Promise<ServerPage> {
    const visibility = visibilityOf(principal);
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const cursor = decodeCursor(query.cursor);
    let after: McpServerPage['after'];
    if (cursor) {
      // Across organizations a server_id repeats, so the cursor carries the organization too.
      const [serverId, organizationId] =
        scope.kind === 'all' ? splitServerKey(cursor.id) : [cursor.id, undefined];
      after = { createdAt: cursor.createdAt, serverId, organizationId };
    }
    const filter: McpServerListFilter = { accessGroup: query.access_group, status: query.status };
    const [rows, total] = await Promise.all([
      this.servers.listVisible(scope, visibility, filter, { limit, after }),
      query.include_total ? this.servers.countVisible(scope, visibility, filter) : null,
    ]);
    const page: Page<McpServerView> = toPage(rows, limit, (row) => ({
      createdAt: row.createdAt,
      id: scope.kind === 'all' ? `${row.serverId}/${row.organizationId}` : row.serverId,
    }));
    const grouped = page.items.filter((row) => row.hasAccessGroups).map((row) => row.serverId);
    const reach = await this.servers.reachOf(scope, grouped);
    return {
      items: page.items.map((server) => ({
        server,
        reach: reach.get(serverKey(server.organizationId, server.serverId)),
      })),
      nextCursor: page.nextCursor,
      total,
    };
  }

  async tools(
    principal: Principal,
    serverId: string,
    organizationId?: string,
  ): Promise<McpServerToolsView> {
    const owner = await resolveServerOrganization(
      this.scopes,
      this.servers,
      principal,
      serverId,
      organizationId,
    );
    const tools = await this.servers.toolsOfVisible(owner, visibilityOf(principal), serverId);
    if (!tools) throw new NotFoundError('Server');
    return tools;
  }

  /** Health of visible servers; ids the key cannot see are simply absent. */
  async health(
    principal: Principal,
    serverIdsParam: string | undefined,
    organizationId?: string,
  ): Promise<McpServerHealthView[]> {
    const scope = await this.scopes.listScope(principal, organizationId);
    let serverIds: string[] | undefined;
    if (serverIdsParam !== undefined) {
      serverIds = [...new Set(serverIdsParam.split(',').filter((id) => id.length > 0))];
      if (serverIds.length > MAX_HEALTH_SERVER_IDS) {
        throw ValidationError.field(
          'server_ids',
          `must name at most ${MAX_HEALTH_SERVER_IDS} servers`,
        );
      }
      if (serverIds.some((id) => !SERVER_ID_PATTERN.test(id))) {
        throw ValidationError.field('server_ids', 'must be server ids separated by commas');
      }
    }
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

  async accessGroups(principal: Principal, organizationId?: string): Promise<string[]> {
    const scope = await this.scopes.listScope(principal, organizationId);
    return this.servers.visibleAccessGroups(scope, visibilityOf(principal));
  }

  /**
   * The organization a PUT acts in: platform admins name it (400 without it); other keys act in
   * their own, and naming another is a 404 as for any record of another organization.
   */
  private replaceScope(principal: Principal, requested: string | undefined): OneOrganization {
    if (isPlatformAdmin(principal) && requested === undefined) {
      throw ValidationError.field('organization_id', 'is required for platform admin keys');
    }
    const scope = this.scopes.recordScope(principal, requested, 'Server');
    if (scope.kind === 'all') throw new Error('A replace without its organization');
    return scope;
  }

  private async assertUnique(
    scope: OneOrganization,
    serverId: string,
    input: ServerInput,
    exceptServerId: string | null,
    manager: EntityManager,
  ): Promise<void> {
    const [conflict] = await this.servers.findConflicts(
      scope,
      {
        serverId,
        serverNameKey: serverNameKeyOf(input.serverName),
        aliasKey: aliasKeyOf(input.alias),
      },
      exceptServerId,
      manager,
    );
    if (conflict) throw mcpServerConflictError(conflict);
  }

  /** Every column a create or replace writes from the request. */
  private columnsOf(
    organizationId: string,
    serverId: string,
    input: ServerInput,
    env: Record<string, string>,
    credentials: CheckedCredentials | null,
    actor: string,
    now: Date,
  ): McpServerChanges {
    const envKeys = Object.keys(env);
    return {
      serverName: input.serverName,
      serverNameKey: serverNameKeyOf(input.serverName),
      alias: input.alias,
      aliasKey: aliasKeyOf(input.alias),
      description: input.description,
      transport: input.transport,
      specVersion: input.specVersion,
      authType: input.authType,
      url: input.url,
      mcpInfo: input.mcpInfo,
      command: input.command,
      args: input.args,
      envKeys,
      envSealed:
        envKeys.length > 0
          ? this.secretBox.sealJson(env, aad(ENV_RESOURCE, serverId, organizationId))
          : null,
      credentialKeys: credentials ? credentialFieldNames(credentials) : null,
      credentialsSealed: credentials
        ? this.secretBox.sealJson(credentials, aad(CREDENTIALS_RESOURCE, serverId, organizationId))
        : null,
      allowedTools: input.allowedTools,
      hasAccessGroups: input.accessGroups.length > 0,
      healthCheckEnabled: input.healthCheckEnabled,
      updatedAt: now,
      updatedBy: actor,
      // A changed server is due for a fresh check.
      nextCheckAt: now,
    };
  }

  private openEnv(server: McpServerEntity): Record<string, string> | null {
    if (server.envSealed === null) return null;
    return this.secretBox.openJson<Record<string, string>>(
      server.envSealed,
      aad(ENV_RESOURCE, server.serverId, server.organizationId),
    );
  }

  private openCredentials(server: McpServerEntity): Record<string, unknown> | null {
    if (server.credentialsSealed === null) return null;
    return this.secretBox.openJson<Record<string, unknown>>(
      server.credentialsSealed,
      aad(CREDENTIALS_RESOURCE, server.serverId, server.organizationId),
    );
  }

  private async readBack(
    scope: OneOrganization,
    serverId: string,
    manager: EntityManager,
  ): Promise<ServerWithReach> {
    const server = await this.servers.findVisible(
      scope,
      { wholeOrganization: true },
      serverId,
      manager,
    );
    if (!server) throw new NotFoundError('Server');
    const reach = server.hasAccessGroups
      ? (await this.servers.reachOf(scope, [serverId], manager)).get(
          serverKey(scope.organizationId, serverId),
        )
      : undefined;
    return { server, reach };
  }
}

function aad(resourceType: string, serverId: string, organizationId: string): SecretAad {
  return { resourceType, resourceId: serverId, organizationId };
}

/** `server_id/organization_id` of a cross-organization cursor (a server_id has no "/"). */
function splitServerKey(id: string): [string, string | undefined] {
  const slash = id.lastIndexOf('/');
  if (slash <= 0)
    throw ValidationError.field('cursor', 'is not a cursor returned by a previous page');
  return [id.slice(0, slash), id.slice(slash + 1)];
}

/** created_by/updated_by: the key's user id (a key without one is named by its key id). */
function actorOf(principal: Principal): string {
  return principal.userId ?? principal.keyId;
}

/** What changed, without a secret value: env and credential field names only. */
function auditSummary(
  input: ServerInput,
  env: Record<string, string>,
  credentials: CheckedCredentials | null,
): Record<string, unknown> {
  return {
    server_name: input.serverName,
    alias: input.alias,
    transport: input.transport,
    auth_type: input.authType,
    mcp_access_groups: input.accessGroups,
    env_keys: Object.keys(env),
    credential_fields: credentials ? credentialFieldNames(credentials) : [],
    health_check_enabled: input.healthCheckEnabled,
  };
}
