import { Injectable, Logger } from '@nestjs/common';
import {
  ConflictError,
  DEFAULT_PAGE_LIMIT,
  ForbiddenError,
  InternalError,
  NotFoundError,
  PreconditionFailedError,
  decodeCursor,
  newId,
  OneOrganization,
  organizationOfRow,
  Page,
  toPage,
} from '@app/core';
import { AuditService, OrganizationScopeResolver, Principal, Role } from '@app/auth';
import { SecretBox, SecretDecryptionError, UnknownEncryptionKeyError } from '@app/crypto';
import {
  McpConfigurationChanges,
  McpConfigurationEntity,
  McpConfigurationRepository,
  ToolConfiguration,
  Transaction,
  UnitOfWork,
} from '@app/dal';
import { assertSecretsStayWithDestination } from '../shared/secret-destination';
import { configurationCredentialsAad } from './configuration-secrets';
import { parseCredentials } from './credentials.parser';
import type { CreateMcpConfigurationDto } from './dto/create-mcp-configuration.dto';
import type { ListMcpConfigurationsQueryDto } from './dto/list-mcp-configurations-query.dto';
import type { McpCredentials } from '../shared/credentials/credentials.schema';
import type { ToolConfigurationDto } from './dto/tool-configuration.dto';
import type { UpdateMcpConfigurationDto } from './dto/update-mcp-configuration.dto';
import { IfMatch, ifMatchAllows } from '../shared/http-cache';

/** The audit events' resource type. */
const MCP_CONFIGURATION_RESOURCE = 'mcp_configuration';
const CREDENTIALS_READ = 'mcp_configuration.credentials.read';
/** Who may read decrypted credentials (API.md §3); every other role is refused, and audited. */
const CREDENTIAL_READERS: readonly Role[] = ['platform_admin', 'org_admin', 'service'];
/** A requested id is recorded as sent only when it looks like an id (bounded, no odd characters). */
const AUDITABLE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const INVALID_ID = '(invalid id)';
const NAME_CONFLICT = 'An MCP configuration with this name already exists in the organization';
/** What audit `changes` say instead of a credential value. */
const SECRET_CHANGED = '(changed)';
const SECRET_REMOVED = '(removed)';

export interface McpConfigurationPage extends Page<McpConfigurationEntity> {
  /** Rows matching the filter, across all pages. */
  total: number;
}

/** Rules of custom MCP configurations: scoping, ownership, sealing credentials, audit. */
@Injectable()
export class McpConfigurationsService {
  private readonly logger = new Logger(McpConfigurationsService.name);

  constructor(
    private readonly configurations: McpConfigurationRepository,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditService,
    private readonly scopes: OrganizationScopeResolver,
    private readonly unitOfWork: UnitOfWork,
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
      return { ...row, ...changes, version: row.version + 1 };
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
    });
  }

  /** Decrypted credentials for service and admin keys; every call is audited, failures too. */
  async readCredentials(
    principal: Principal,
    id: string,
  ): Promise<{ row: McpConfigurationEntity; credentials: McpCredentials | null }> {
    if (!CREDENTIAL_READERS.includes(principal.role)) {
      await this.auditRefusedRead(principal, id, 'role_not_allowed');
      throw new ForbiddenError('Only service and admin keys may read decrypted credentials');
    }
    const row = await this.configurations.findById(this.recordScope(principal), id);
    if (!row) {
      await this.auditRefusedRead(principal, id, 'not_found');
      throw new NotFoundError('MCP configuration');
    }
    let credentials: McpCredentials | null = null;
    let failure: SecretDecryptionError | undefined;
    if (row.credentialsSealed !== null) {
      try {
        credentials = this.secretBox.openJson<McpCredentials>(
          row.credentialsSealed,
          configurationCredentialsAad(row.id, row.organizationId),
        );
      } catch (error) {
        if (!(error instanceof SecretDecryptionError)) throw error;
        failure = error;
      }
    }
    await this.audit.record(principal, {
      action: CREDENTIALS_READ,
      resourceType: MCP_CONFIGURATION_RESOURCE,
      resourceId: row.id,
      organizationId: row.organizationId,
      changes: { outcome: failure ? readFailureOutcome(failure) : 'ok' },
    });
    // Mid key rollout: 503 naming the key (SecretBox logged it once); another instance reads it.
    if (failure instanceof UnknownEncryptionKeyError) throw failure;
    if (failure) {
      // The row id and failure kind help an operator find a swapped or corrupt value (the
      // request's trace_id is added by the logger); the client learns only "internal error".
      this.logger.error(
        {
          configuration_id: row.id,
          reason: failure.reason,
          key_id: failure.keyId,
        },
        `Stored credentials of MCP configuration ${row.id} could not be decrypted (${failure.reason})`,
      );
      throw new InternalError();
    }
    return { row, credentials };
  }

  /**
   * A refused read is recorded in the caller's own organization: "not found" covers both an id
   * that does not exist and one of another organization, so the trail (which the caller's admins
   * can list) tells nothing more than the 404 did.
   */
  private async auditRefusedRead(
    principal: Principal,
    id: string,
    reason: 'role_not_allowed' | 'not_found',
  ): Promise<void> {
    await this.audit.record(principal, {
      action: CREDENTIALS_READ,
      resourceType: MCP_CONFIGURATION_RESOURCE,
      resourceId: AUDITABLE_ID.test(id) ? id : INVALID_ID,
      organizationId: principal.organizationId,
      changes: { outcome: 'refused', reason },
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

function toToolConfiguration(dto: ToolConfigurationDto | undefined): ToolConfiguration {
  if (!dto) return { enabled: false, allowed_tools: [] };
  return { enabled: dto.enabled, allowed_tools: [...(dto.allowed_tools ?? [])] };
}

function sameToolConfiguration(a: ToolConfiguration, b: ToolConfiguration): boolean {
  return (
    a.enabled === b.enabled &&
    a.allowed_tools.length === b.allowed_tools.length &&
    a.allowed_tools.every((tool, index) => tool === b.allowed_tools[index])
  );
}

function readFailureOutcome(failure: SecretDecryptionError): string {
  return failure instanceof UnknownEncryptionKeyError ? 'key_not_configured' : 'decryption_failed';
}
