import { Inject, Injectable } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  newUuid,
  NotFoundError,
  OneOrganization,
  PreconditionFailedError,
  ValidationError,
} from '@app/core';
import { AuditService, isPlatformAdmin, OrganizationScopeResolver, Principal } from '@app/auth';
import {
  McpServerChanges,
  McpServerReadRepository,
  McpServerWriteRepository,
  Transaction,
  UnitOfWork,
} from '@app/dal';
import { EventOutbox } from '@app/events';
import type { CreateServerDto } from './dto/create-server.dto';
import type { UpdateServerDto } from './dto/update-server.dto';
import { IfMatch, ifMatchAllows } from '../shared/http-cache';
import { credentialFieldNames } from '../shared/credentials/credentials.schema';
import {
  normalizeServerInput,
  ServerInput,
  VersionedInput,
  withServerVersion,
} from './server-input.normalizer';
import type { ServerWithReach } from './server-reads.service';
import { ServerReadsService } from './server-reads.service';
import { serverEvent } from './server-events';
import { ServerCatalog } from './server-catalog';
import { conflictError, conflictsAs409 } from './server-conflicts';
import { ServerSecrets, ServerSecretValues } from './server-secrets';
import { DEFAULT_SERVER_VERSION } from './dto/registry-fields';
import { assertMayDefineStdio } from './stdio-permission';

const RESOURCE_TYPE = 'mcp_server';
/** GET /v1/mcp/server/health is a route of its own, so no server may be called that. */
const RESERVED_SERVER_IDS = new Set(['health']);

/**
 * Registry writes: who may write where, row-locked writes with If-Match, uniqueness (409), the
 * secrets of the server, and the audit trail. Each runs in one transaction.
 */
@Injectable()
export class ServerWritesService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly writes: McpServerWriteRepository,
    private readonly reads: McpServerReadRepository,
    private readonly registryReads: ServerReadsService,
    private readonly secrets: ServerSecrets,
    private readonly audit: AuditService,
    private readonly scopes: OrganizationScopeResolver,
    private readonly catalog: ServerCatalog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: EventOutbox,
  ) {}

  async create(principal: Principal, dto: CreateServerDto): Promise<ServerWithReach> {
    const scope = await this.scopes.createScope(principal, dto.organization_id, 'servers');
    assertMayDefineStdio(principal, null, dto);
    const sent = normalizeServerInput(dto, this.config.mcp.stdioCommandAllowlist);
    const input = withServerVersion(sent, DEFAULT_SERVER_VERSION);
    const serverId = input.serverId ?? newUuid();
    if (RESERVED_SERVER_IDS.has(serverId)) {
      throw ValidationError.field('server_id', `"${serverId}" is reserved`);
    }
    const secrets = this.secrets.forCreate(input);
    const now = new Date();
    const actor = actorOf(principal);

    return this.unitOfWork.run(async (tx) => {
      await this.assertUnique(scope, serverId, input, null, tx);
      const changes = this.changesOf(scope, serverId, input, secrets, actor, now);
      const server = await conflictsAs409(() =>
        this.writes.insert(
          scope,
          { serverId, createdAt: now, createdBy: actor, changes },
          input.accessGroups,
          tx,
        ),
      );
      const written = { scope, serverId, input, secrets, now, newServer: true };
      await this.catalog.recordCurrent(written, tx);
      await this.record(principal, 'mcp_server.create', scope, serverId, input, secrets, tx);
      // The response is built from what was written; only the teams reaching it are read.
      const reach =
        input.accessGroups.length > 0
          ? await this.reads.reachOfOne(scope, serverId, tx)
          : undefined;
      await this.outbox.append(tx, scope, serverEvent('mcp_server.created', { server, reach }));
      return { server, reach };
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
    assertMayDefineStdio(principal, null, dto);
    const sent = normalizeServerInput(dto, this.config.mcp.stdioCommandAllowlist);
    const serverId = dto.server_id;
    const actor = actorOf(principal);

    return this.unitOfWork.run(async (tx) => {
      const current = await this.writes.findForWrite(scope, serverId, tx);
      if (!current) throw new NotFoundError('Server');
      const input = withServerVersion(sent, current.serverVersion);
      assertMayDefineStdio(principal, current, input);
      if (ifMatch && !ifMatchAllows(ifMatch, current.version)) {
        throw new PreconditionFailedError();
      }
      await this.assertUnique(scope, serverId, input, serverId, tx);
      const secrets = this.secrets.forReplace(current, input);
      const now = new Date();
      const changes = this.changesOf(scope, serverId, input, secrets, actor, now);
      const written = await conflictsAs409(() =>
        this.writes.updateIfVersion(
          scope,
          serverId,
          current.createdAt,
          current.version,
          changes,
          input.accessGroups,
          tx,
        ),
      );
      // The row is locked, so its version cannot have moved: a miss here is a bug, not a race.
      if (!written) throw new Error(`Server ${serverId} changed while locked for a write`);
      await this.catalog.recordCurrent(
        { scope, serverId, input, secrets, now, newServer: false },
        tx,
      );
      await this.record(principal, 'mcp_server.update', scope, serverId, input, secrets, tx);
      const replaced = await this.readBack(scope, serverId, tx);
      await this.outbox.append(tx, scope, serverEvent('mcp_server.updated', replaced));
      return replaced;
    });
  }

  async remove(principal: Principal, serverId: string, requested?: string): Promise<string> {
    const owner = await this.registryReads.ownerOf(principal, serverId, requested);
    await this.unitOfWork.run(async (tx) => {
      const current = await this.writes.findForWrite(owner, serverId, tx);
      if (!current) throw new NotFoundError('Server');
      assertMayDefineStdio(principal, current, null);
      // The event carries the server as it was, read before it goes.
      const last = await this.readBack(owner, serverId, tx);
      if (!(await this.writes.delete(owner, serverId, tx))) {
        throw new NotFoundError('Server');
      }
      await this.catalog.recordDeleted(owner, serverId, new Date(), tx);
      await this.audit.record(
        principal,
        {
          action: 'mcp_server.delete',
          resourceType: RESOURCE_TYPE,
          resourceId: serverId,
          organizationId: owner.organizationId,
          changes: { server_name: current.serverName, alias: current.alias },
        },
        tx,
      );
      await this.outbox.append(tx, owner, serverEvent('mcp_server.deleted', last));
    });
    return `Server ${serverId} deleted`;
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
    tx: Transaction,
  ): Promise<void> {
    const [conflict] = await this.writes.findConflicts(
      scope,
      { serverId, serverName: input.serverName, alias: input.alias },
      exceptServerId,
      tx,
    );
    if (conflict) throw conflictError(conflict);
  }

  /** Every column a create or replace writes from the request. */
  private changesOf(
    scope: OneOrganization,
    serverId: string,
    input: VersionedInput,
    secrets: ServerSecretValues,
    actor: string,
    now: Date,
  ): McpServerChanges {
    return {
      serverName: input.serverName,
      alias: input.alias,
      description: input.description,
      transport: input.transport,
      specVersion: input.specVersion,
      authType: input.authType,
      url: input.url,
      mcpInfo: input.mcpInfo,
      command: input.command,
      args: input.args,
      ...this.secrets.sealedColumns(scope, serverId, secrets),
      allowedTools: input.allowedTools,
      hasAccessGroups: input.accessGroups.length > 0,
      healthCheckEnabled: input.healthCheckEnabled,
      serverVersion: input.serverVersion,
      catalogPublic: input.catalogPublic,
      updatedAt: now,
      updatedBy: actor,
    };
  }

  /** The audit entry of a create or replace: what changed, with secret field names only. */
  private async record(
    principal: Principal,
    action: 'mcp_server.create' | 'mcp_server.update',
    scope: OneOrganization,
    serverId: string,
    input: VersionedInput,
    secrets: ServerSecretValues,
    tx: Transaction,
  ): Promise<void> {
    await this.audit.record(
      principal,
      {
        action,
        resourceType: RESOURCE_TYPE,
        resourceId: serverId,
        organizationId: scope.organizationId,
        changes: {
          server_name: input.serverName,
          alias: input.alias,
          transport: input.transport,
          auth_type: input.authType,
          mcp_access_groups: input.accessGroups,
          env_keys: Object.keys(secrets.env),
          credential_fields: secrets.credentials ? credentialFieldNames(secrets.credentials) : [],
          health_check_enabled: input.healthCheckEnabled,
          version: input.serverVersion,
          catalog_public: input.catalogPublic,
        },
      },
      tx,
    );
  }

  private async readBack(
    scope: OneOrganization,
    serverId: string,
    tx: Transaction,
  ): Promise<ServerWithReach> {
    const server = await this.reads.findVisible(scope, { wholeOrganization: true }, serverId, tx);
    if (!server) throw new NotFoundError('Server');
    const reach = server.hasAccessGroups
      ? await this.reads.reachOfOne(scope, serverId, tx)
      : undefined;
    return { server, reach };
  }
}

/** created_by/updated_by: the key's user id (a key without one is named by its key id). */
function actorOf(principal: Principal): string {
  return principal.userId ?? principal.keyId;
}
