import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  DEFAULT_PAGE_LIMIT,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  decodeCursor,
  newId,
  OneOrganization,
  organizationOfRow,
  Page,
  toPage,
} from '@app/core';
import { AuditService, OrganizationScopeResolver, Principal } from '@app/auth';
import { SecretBox } from '@app/crypto';
import {
  McpConfigurationChanges,
  McpConfigurationEntity,
  McpConfigurationRepository,
  Transaction,
  UnitOfWork,
} from '@app/dal';
import { EventOutbox } from '@app/events';
import { assertSecretsStayWithDestination } from '../shared/secret-destination';
import { configurationEvent } from './configuration-events';
import { configurationCredentialsAad, MCP_CONFIGURATION_RESOURCE } from './configuration-secrets';
import { parseCredentials } from './credentials.parser';
import type { CreateMcpConfigurationDto } from './dto/create-mcp-configuration.dto';
import type { ListMcpConfigurationsQueryDto } from './dto/list-mcp-configurations-query.dto';
import { sameToolConfiguration, toToolConfiguration } from './tool-configuration';
import type { UpdateMcpConfigurationDto } from './dto/update-mcp-configuration.dto';
import { IfMatch, ifMatchAllows } from '../shared/http-cache';

const NAME_CONFLICT = 'An MCP configuration with this name already exists in the organization';
/** What audit `changes` say instead of a credential value. */
const SECRET_CHANGED = '(changed)';
const SECRET_REMOVED = '(removed)';

export interface McpConfigurationPage extends Page<McpConfigurationEntity> {
  /** Rows matching the filter, across all pages. */
  total: number;
}

/**
 * Rules of custom MCP configurations: scoping, ownership, sealing credentials, audit. Reading the
 * decrypted credentials is ConfigurationCredentialsService's.
 */
@Injectable()
export class McpConfigurationsService {
  constructor(
    private readonly configurations: McpConfigurationRepository,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditService,
    private readonly scopes: OrganizationScopeResolver,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: EventOutbox,
  ) {}

  async create(
    principal: Principal,
    dto: CreateMcpConfigurationDto,
  ): Promise<McpConfigurationEntity> {
    const scope = await this.scopes.createScope(principal, dto.organization_id, 'configurations');
    const { organizationId } = scope;
    const credentials = parseCredentials(dto.auth_type, dto.credentials, { required: true });
    if (await this.configurations.nameTaken(scope, dto.name)) {
      throw new ConflictError(NAME_CONFLICT, 'name');
    }

    const id = newId('mcp');
    const now = new Date();
    const toolConfiguration = toToolConfiguration(dto.tool_configuration);
    const entity: McpConfigurationEntity = {
      id,
      organizationId,
      userId: principal.userId,
      name: dto.name,
      activeNameKey: null,
      type: 'custom',
      serverUrl: dto.server_url,
      transportType: dto.transport_type,
      authType: dto.auth_type,
      credentialsSealed: credentials
        ? this.secretBox.sealJson(credentials, configurationCredentialsAad(id, organizationId))
        : null,
      credentialsRefreshOwner: null,
      credentialsRefreshUntil: null,
      toolConfiguration,
      isActive: true,
      connectionStatus: 'disconnected',
      lastConnectedAt: null,
      errorMessage: null,
      discoveredTools: null,
      toolsFingerprint: null,
      toolsDigest: null,
      toolsDrift: null,
      driftDetectedAt: null,
      latencyMs: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
      deletedAt: null,
    };
    await this.unitOfWork.run(async (tx) => {
      const { activeNameKey: _key, deletedAt: _deleted, ...values } = entity;
      await this.configurations.insert(scope, values, tx);
      await this.audit.record(
        principal,
        {
          action: 'mcp_configuration.create',
          resourceType: MCP_CONFIGURATION_RESOURCE,
          resourceId: id,
          organizationId,
          changes: {
            name: entity.name,
            server_url: entity.serverUrl,
            transport_type: entity.transportType,
            auth_type: entity.authType,
            tool_configuration: toolConfiguration,
            ...(credentials ? { credentials: SECRET_CHANGED } : {}),
          },
        },
        tx,
      );
      await this.outbox.append(tx, scope, configurationEvent('mcp_configuration.created', entity));
    });
    return entity;
  }

  async list(
    principal: Principal,
    query: ListMcpConfigurationsQueryDto,
  ): Promise<McpConfigurationPage> {
    const scope = await this.scopes.listScope(principal, query.organization_id);
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const { rows, total } = await this.configurations.list(
      scope,
      { type: query.type, isActive: query.is_active },
      { limit, after: decodeCursor(query.cursor) },
    );
    return { ...toPage(rows, limit, (row) => row), total };
  }

  async get(principal: Principal, id: string): Promise<McpConfigurationEntity> {
    return (await this.getOwned(principal, id)).row;
  }

  /** The configuration and its organization, for a write or a test that follows the read. */
  async getOwned(
    principal: Principal,
    id: string,
  ): Promise<{ row: McpConfigurationEntity; owner: OneOrganization }> {
    const scope = this.recordScope(principal);
    const row = await this.configurations.findById(scope, id);
    if (!row) throw new NotFoundError('MCP configuration');
    return { row, owner: organizationOfRow(scope, row) };
  }

  /**
   * Applies a PATCH (or PUT) to the row as it is when this write runs: the row is locked first,
   * so of concurrent writes each one is validated against what the previous one committed (an
   * `auth_type` set by one and `credentials` for another type sent by the next is a 400, never
   * a mix). With If-Match the locked row must be at one of the named versions, else 412.
   */
  async update(
    principal: Principal,
    id: string,
    dto: UpdateMcpConfigurationDto,
    ifMatch?: IfMatch,
  ): Promise<McpConfigurationEntity> {
    const scope = this.recordScope(principal);
    return this.unitOfWork.run(async (tx) => {
      const row = await this.configurations.findForWrite(scope, id, tx);
      if (!row) throw new NotFoundError('MCP configuration');
      const owner = organizationOfRow(scope, row);
      assertMayModify(principal, row);
      if (ifMatch && !ifMatchAllows(ifMatch, row.version)) throw new PreconditionFailedError();

      const { changes, audited } = await this.changesOf(owner, row, dto, tx);
      if (Object.keys(changes).length === 0) return row;
      changes.updatedAt = new Date();
      const updated = await this.configurations.update(owner, row.id, row.version, changes, tx);
      // The row is locked, so it cannot have changed: a miss here is a bug, not a race.
      if (!updated) throw new Error(`MCP configuration ${row.id} changed while locked`);
      await this.audit.record(
        principal,
        {
          action: 'mcp_configuration.update',
          resourceType: MCP_CONFIGURATION_RESOURCE,
          resourceId: row.id,
          organizationId: row.organizationId,
          changes: audited,
        },
        tx,
      );
      const updatedRow = { ...row, ...changes, version: row.version + 1 };
      await this.outbox.append(
        tx,
        owner,
        configurationEvent('mcp_configuration.updated', updatedRow),
      );
      return updatedRow;
    });
  }

  /** What `dto` changes in `row`, validated against it, and the audit entry (no secret). */
  private async changesOf(
    owner: OneOrganization,
    row: McpConfigurationEntity,
    dto: UpdateMcpConfigurationDto,
    tx: Transaction,
  ): Promise<{ changes: McpConfigurationChanges; audited: Record<string, unknown> }> {
    const changes: McpConfigurationChanges = {};
    const audited: Record<string, unknown> = {};
    if (dto.name !== undefined && dto.name !== row.name) {
      if (await this.configurations.nameTaken(owner, dto.name, row.id, tx)) {
        throw new ConflictError(NAME_CONFLICT, 'name');
      }
      changes.name = audited.name = dto.name;
    }
    if (dto.server_url !== undefined && dto.server_url !== row.serverUrl) {
      changes.serverUrl = audited.server_url = dto.server_url;
    }
    if (dto.transport_type !== undefined && dto.transport_type !== row.transportType) {
      changes.transportType = audited.transport_type = dto.transport_type;
    }
    if (dto.is_active !== undefined && dto.is_active !== row.isActive) {
      changes.isActive = audited.is_active = dto.is_active;
    }
    if (dto.tool_configuration !== undefined) {
      const next = toToolConfiguration(dto.tool_configuration);
      if (!sameToolConfiguration(next, row.toolConfiguration)) {
        changes.toolConfiguration = next;
        audited.tool_configuration = next;
      }
    }

    const authType = dto.auth_type ?? row.authType;
    const authTypeChanged = authType !== row.authType;
    if (authTypeChanged) changes.authType = audited.auth_type = authType;
    const credentials = parseCredentials(authType, dto.credentials, {
      required: authTypeChanged,
    });
    // Credentials left out are kept: they may not follow the configuration to another server.
    assertSecretsStayWithDestination(
      { url: row.serverUrl, authType: row.authType },
      { url: dto.server_url ?? row.serverUrl, authType },
      credentials === undefined && row.credentialsSealed !== null ? ['credentials'] : [],
    );
    if (credentials === null) {
      if (row.credentialsSealed !== null) {
        changes.credentialsSealed = null;
        audited.credentials = SECRET_REMOVED;
      }
    } else if (credentials !== undefined) {
      changes.credentialsSealed = this.secretBox.sealJson(
        credentials,
        configurationCredentialsAad(row.id, row.organizationId),
      );
      audited.credentials = SECRET_CHANGED;
    }
    return { changes, audited };
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const { row, owner } = await this.getOwned(principal, id);
    assertMayModify(principal, row);
    await this.unitOfWork.run(async (tx) => {
      const deleted = await this.configurations.softDelete(owner, row.id, new Date(), tx);
      if (!deleted) throw new NotFoundError('MCP configuration');
      await this.audit.record(
        principal,
        {
          action: 'mcp_configuration.delete',
          resourceType: MCP_CONFIGURATION_RESOURCE,
          resourceId: row.id,
          organizationId: row.organizationId,
          changes: { name: row.name },
        },
        tx,
      );
      await this.outbox.append(tx, owner, configurationEvent('mcp_configuration.deleted', row));
    });
  }

  /** A configuration id is unique, so a platform admin reaches it in any organization. */
  private recordScope(principal: Principal) {
    return this.scopes.recordScope(principal, undefined, 'MCP configuration');
  }
}

/** Members change only what their user created; admins anything in their scope. */
function assertMayModify(principal: Principal, row: McpConfigurationEntity): void {
  if (principal.role === 'platform_admin' || principal.role === 'org_admin') return;
  if (principal.role === 'member' && principal.userId !== null && row.userId === principal.userId) {
    return;
  }
  throw new ForbiddenError('Only the creator of this configuration or an org admin may change it');
}
