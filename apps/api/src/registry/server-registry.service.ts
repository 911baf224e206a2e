import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  APP_CONFIG,
  AppConfig,
  decodeCursor,
  DEFAULT_PAGE_LIMIT,
  ForbiddenError,
  newUuid,
  NotFoundError,
  Page,
  PreconditionFailedError,
  toPage,
  ValidationError,
} from '@app/core';
import { AuditService, isPlatformAdmin, Principal } from '@app/auth';
import { SecretAad, SecretBox } from '@app/crypto';
import {
  ALL_ORGANIZATIONS,
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
  OrganizationScope,
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
import { credentialFieldNames, ServerCredentials } from './server-credentials.rules';
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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(principal: Principal, dto: CreateServerDto): Promise<ServerWithReach> {
    const organizationId = this.writeOrganization(principal, dto.organization_id, 'create');
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
      if (
        isPlatformAdmin(principal) &&
        !(await this.servers.organizationExists(organizationId, manager))
      ) {
        throw new NotFoundError('Organization');
      }
      await this.assertUnique(organizationId, serverId, input, null, manager);
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
        claimOwner: null,
        claimExpiresAt: null,
      };
      await this.servers.insert(server, input.accessGroups, manager);
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
          ? (await this.servers.reachOf(organizationId, [serverId], manager)).get(
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
    const organizationId = this.writeOrganization(principal, dto.organization_id, 'replace');
    assertMayDefineStdio(principal, null, dto);
    const input = normalizeServerInput(dto, this.config.mcp.stdioCommandAllowlist);
    const serverId = dto.server_id;
    const actor = actorOf(principal);

    return this.servers.transaction(async (manager) => {
      const current = await this.servers.findForWrite(organizationId, serverId, manager);
      if (!current) throw new NotFoundError('Server');
      assertMayDefineStdio(principal, current, input);
      if (ifMatch && !ifMatchAllows(ifMatch, current.version)) {
        throw new PreconditionFailedError();
      }
      await this.assertUnique(organizationId, serverId, input, serverId, manager);
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
        organizationId,
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
      return this.readBack(organizationId, serverId, manager);
    });
  }

  async remove(principal: Principal, serverId: string, organizationId?: string): Promise<string> {
    const owner = await resolveServerOrganization(
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
          organizationId: owner,
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
      this.servers,
      principal,
      serverId,
      organizationId,
    );
    const server = await this.servers.findVisible(owner, visibilityOf(principal), serverId);
    if (!server) throw new NotFoundError('Server');
    const reach = server.hasAccessGroups
      ? (await this.servers.reachOf(owner, [serverId])).get(serverKey(owner, serverId))
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
    const scope = this.readScope(principal, query.organization_id);
    const hideConnection = principal.role === 'viewer';
    if (scope === ALL_ORGANIZATIONS || !this.listCache.enabled) {
      return this.renderList(await this.list(principal, query), hideConnection);
    }
    const visibility = visibilityOf(principal);
    const key = JSON.stringify([
      scope,
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
      this.renderList(await this.list(principal, query), hideConnection),
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

  async list(principal: Principal, query: ListServersQueryDto): Promise<ServerPage> {
    const scope = this.readScope(principal, query.organization_id);
    const visibility = visibilityOf(principal);
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const cursor = decodeCursor(query.cursor);
    let after: McpServerPage['after'];
    if (cursor) {
      // Across organizations a server_id repeats, so the cursor carries the organization too.
      const [serverId, organizationId] =
        scope === ALL_ORGANIZATIONS ? splitServerKey(cursor.id) : [cursor.id, undefined];
      after = { createdAt: cursor.createdAt, serverId, organizationId };
    }
    const filter: McpServerListFilter = { accessGroup: query.access_group, status: query.status };
    const [rows, total] = await Promise.all([
      this.servers.listVisible(scope, visibility, filter, { limit, after }),
      query.include_total ? this.servers.countVisible(scope, visibility, filter) : null,
    ]);
    const page: Page<McpServerView> = toPage(rows, limit, (row) => ({
      createdAt: row.createdAt,
      id: scope === ALL_ORGANIZATIONS ? `${row.serverId}/${row.organizationId}` : row.serverId,
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
    const scope = this.readScope(principal, organizationId);
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
    const scope = this.readScope(principal, organizationId);
    return this.servers.visibleAccessGroups(scope, visibilityOf(principal));
  }

  /**
   * The organization a write acts in. Platform admins name it; other keys act in their own, and
   * naming another is a 403 on create and a 404 otherwise (API.md §2).
   */
  private writeOrganization(
    principal: Principal,
    requested: string | undefined,
    kind: 'create' | 'replace',
  ): string {
    if (isPlatformAdmin(principal)) {
      if (requested === undefined) {
        throw ValidationError.field('organization_id', 'is required for platform admin keys');
      }
      return requested;
    }
    const own = ownOrganization(principal);
    if (requested !== undefined && requested !== own) {
      if (kind === 'create') {
        throw new ForbiddenError('This API key cannot create servers in another organization');
      }
      throw new NotFoundError('Server');
    }
    return own;
  }

  private readScope(principal: Principal, requested: string | undefined): OrganizationScope {
    if (isPlatformAdmin(principal)) return requested ?? ALL_ORGANIZATIONS;
    const own = ownOrganization(principal);
    if (requested !== undefined && requested !== own) throw new NotFoundError('Organization');
    return own;
  }

  private async assertUnique(
    organizationId: string,
    serverId: string,
    input: ServerInput,
    exceptServerId: string | null,
    manager: EntityManager,
  ): Promise<void> {
    const [conflict] = await this.servers.findConflicts(
      organizationId,
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
    credentials: ServerCredentials | null,
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
    organizationId: string,
    serverId: string,
    manager: EntityManager,
  ): Promise<ServerWithReach> {
    const server = await this.servers.findVisible(
      organizationId,
      { wholeOrganization: true },
      serverId,
      manager,
    );
    if (!server) throw new NotFoundError('Server');
    const reach = server.hasAccessGroups
      ? (await this.servers.reachOf(organizationId, [serverId], manager)).get(
          serverKey(organizationId, serverId),
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

function ownOrganization(principal: Principal): string {
  if (!principal.organizationId) throw new ForbiddenError();
  return principal.organizationId;
}

/** created_by/updated_by: the key's user id (a key without one is named by its key id). */
function actorOf(principal: Principal): string {
  return principal.userId ?? principal.keyId;
}

/** What changed, without a secret value: env and credential field names only. */
function auditSummary(
  input: ServerInput,
  env: Record<string, string>,
  credentials: ServerCredentials | null,
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
