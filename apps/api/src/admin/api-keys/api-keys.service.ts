import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  decodeCursor,
  DEFAULT_PAGE_LIMIT,
  ForbiddenError,
  newId,
  NotFoundError,
  OneOrganization,
  organizationOfRow,
  Page,
  toPage,
  ValidationError,
} from '@app/core';
import {
  ApiKeyCache,
  ApiKeyHasher,
  apiKeyPrefixOf,
  AuditService,
  generateApiKeySecret,
  isPlatformAdmin,
  OrganizationScopeResolver,
  Principal,
} from '@app/auth';
import {
  ApiKeyEntity,
  ApiKeyRepository,
  ApiKeyWithGrants,
  TeamRepository,
  UnitOfWork,
} from '@app/dal';
import { EventOutbox } from '@app/events';
import { normalizeNames } from '../dto/access-group-list.decorator';
import { toApiKeyResponse } from './api-key.mapper';
import { OrganizationPageQueryDto } from '../dto/organization-id-query.dto';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

export interface IssuedApiKey {
  key: ApiKeyWithGrants;
  /** The secret, returned to the caller once and never stored. */
  secret: string;
}

/**
 * API keys. An org_admin manages the keys of its own organization only; platform_admin keys
 * (which belong to no organization) are made by platform admins alone. Revocation, rotation and
 * organization deletion evict the key from this replica's cache at once.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly keys: ApiKeyRepository,
    private readonly scopes: OrganizationScopeResolver,
    private readonly teams: TeamRepository,
    private readonly hasher: ApiKeyHasher,
    private readonly keyCache: ApiKeyCache,
    private readonly audit: AuditService,
    private readonly outbox: EventOutbox,
  ) {}

  async create(principal: Principal, dto: CreateApiKeyDto): Promise<IssuedApiKey> {
    const accessGroups = normalizeNames(dto.access_groups);
    const teamIds = normalizeNames(dto.team_ids);
    const scope = await this.organizationForNewKey(principal, dto, accessGroups, teamIds);
    const organizationId = scope?.organizationId ?? null;
    const expiresAt = this.futureInstant(dto.expires_at);
    if (scope !== null) await this.requireTeams(scope, teamIds);

    const secret = generateApiKeySecret();
    const key = Object.assign(new ApiKeyEntity(), {
      id: newId('key'),
      organizationId,
      userId: dto.user_id ?? newId('usr'),
      name: dto.name,
      role: dto.role,
      keyHash: this.hasher.hash(secret),
      keyPrefix: apiKeyPrefixOf(secret),
      expiresAt,
      revokedAt: null,
      createdByKeyId: principal.keyId,
      createdAt: new Date(),
    });
    await this.unitOfWork.run(async (tx) => {
      await this.keys.insert(key, accessGroups, teamIds, tx);
      await this.audit.record(
        principal,
        {
          action: 'api_key.create',
          resourceType: 'api_key',
          resourceId: key.id,
          organizationId,
          changes: {
            name: key.name,
            role: key.role,
            user_id: key.userId,
            key_prefix: key.keyPrefix,
            access_groups: accessGroups,
            team_ids: teamIds,
            expires_at: expiresAt ? expiresAt.toISOString() : null,
          },
        },
        tx,
      );
    });
    return { key: { key, accessGroups, teamIds }, secret };
  }

  async list(
    principal: Principal,
    query: OrganizationPageQueryDto,
  ): Promise<Page<ApiKeyWithGrants>> {
    const scope = await this.scopes.listScope(principal, query.organization_id);
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.keys.list(scope, { limit, after: decodeCursor(query.cursor) });
    return toPage(rows, limit, (row) => row.key);
  }

  async get(principal: Principal, keyId: string): Promise<ApiKeyWithGrants> {
    const key = await this.keys.findById(
      this.scopes.recordScope(principal, undefined, 'API key'),
      keyId,
    );
    if (!key) throw new NotFoundError('API key');
    return key;
  }

  /** The caller's own key (GET /v1/me). */
  async self(principal: Principal): Promise<ApiKeyWithGrants> {
    return this.get(principal, principal.keyId);
  }

  /** Revokes (deactivates) the key; revoking a revoked key changes nothing. */
  async revoke(principal: Principal, keyId: string): Promise<void> {
    const scope = this.scopes.recordScope(principal, undefined, 'API key');
    await this.unitOfWork.run(async (tx) => {
      const existing = await this.keys.findById(scope, keyId, tx);
      if (!existing) throw new NotFoundError('API key');
      const revokedAt = new Date();
      if (!(await this.keys.revoke(scope, keyId, revokedAt, tx))) return;
      await this.audit.record(
        principal,
        {
          action: 'api_key.revoke',
          resourceType: 'api_key',
          resourceId: keyId,
          organizationId: existing.key.organizationId,
          changes: { revoked: true },
        },
        tx,
      );
      // Platform admin keys belong to no organization, hence to no organization's feed.
      const { organizationId } = existing.key;
      if (organizationId !== null) {
        await this.outbox.append(tx, organizationOfRow(scope, { organizationId }), {
          type: 'api_key.revoked',
          resourceId: keyId,
          data: { ...toApiKeyResponse({ ...existing, key: { ...existing.key, revokedAt } }) },
        });
      }
    });
    this.keyCache.evictKey(keyId);
  }

  /**
   * Gives the key a new secret under the same key id (its grants, user and expiry stay); the old
   * secret stops working when this commits.
   */
  async rotate(principal: Principal, keyId: string): Promise<IssuedApiKey> {
    const scope = this.scopes.recordScope(principal, undefined, 'API key');
    const secret = generateApiKeySecret();
    const keyPrefix = apiKeyPrefixOf(secret);
    const rotated = await this.unitOfWork.run(async (tx) => {
      const existing = await this.keys.findById(scope, keyId, tx);
      if (!existing) throw new NotFoundError('API key');
      if (existing.key.revokedAt) throw new ConflictError('A revoked API key cannot be rotated');
      await this.keys.replaceSecret(scope, keyId, this.hasher.hash(secret), keyPrefix, tx);
      await this.audit.record(
        principal,
        {
          action: 'api_key.rotate',
          resourceType: 'api_key',
          resourceId: keyId,
          organizationId: existing.key.organizationId,
          changes: { key_prefix: keyPrefix, previous_key_prefix: existing.key.keyPrefix },
        },
        tx,
      );
      existing.key.keyPrefix = keyPrefix;
      return existing;
    });
    this.keyCache.evictKey(keyId);
    return { key: rotated, secret };
  }

  private async organizationForNewKey(
    principal: Principal,
    dto: CreateApiKeyDto,
    accessGroups: string[],
    teamIds: string[],
  ): Promise<OneOrganization | null> {
    if (dto.role === 'platform_admin') {
      if (!isPlatformAdmin(principal)) {
        throw new ForbiddenError('Only platform admins can create platform_admin keys');
      }
      const fields = [];
      if (dto.organization_id !== undefined) {
        fields.push({
          field: 'organization_id',
          message: 'must be absent for a platform_admin key',
        });
      }
      if (accessGroups.length > 0 || teamIds.length > 0) {
        fields.push({
          field: accessGroups.length > 0 ? 'access_groups' : 'team_ids',
          message: 'must be empty for a platform_admin key, which sees every organization',
        });
      }
      if (fields.length > 0) throw new ValidationError(fields);
      return null;
    }
    return this.scopes.createScope(principal, dto.organization_id, 'API keys');
  }

  private async requireTeams(scope: OneOrganization, teamIds: string[]): Promise<void> {
    const existing = new Set(await this.teams.existingIds(scope, teamIds));
    const unknown = teamIds.filter((teamId) => !existing.has(teamId));
    if (unknown.length > 0) {
      throw ValidationError.field(
        'team_ids',
        `must be teams of organization ${scope.organizationId}; unknown: ${unknown.join(', ')}`,
      );
    }
  }

  private futureInstant(value: string | undefined): Date | null {
    if (value === undefined) return null;
    const instant = new Date(value);
    if (Number.isNaN(instant.getTime())) {
      throw ValidationError.field('expires_at', 'must be an ISO-8601 date-time');
    }
    if (instant.getTime() <= Date.now()) {
      throw ValidationError.field('expires_at', 'must be in the future');
    }
    return instant;
  }
}
