import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig, newId } from '@app/core';
import { ApiKeyEntity, ApiKeyRepository, isUniqueViolation, UnitOfWork } from '@app/dal';
import { AuditService } from '../audit/audit.service';
import { ApiKeyCache } from '../api-keys/api-key.cache';
import { ApiKeyHasher } from '../api-keys/api-key-hasher';
import { apiKeyPrefixOf, generateApiKeySecret } from '../api-keys/api-key-secret';
import type { Principal } from '../principal';

/**
 * The generated first key has a fixed id: replicas starting together on an empty database race
 * on the primary key, so exactly one of them creates (and prints) a key.
 */
export const GENERATED_ADMIN_KEY_ID = `key_${'0'.repeat(32)}`;

/**
 * BOOTSTRAP_ADMIN_KEY: on start, a platform_admin key with exactly that secret exists and is
 * usable. Without it, an empty database gets one generated key, printed once to stdout.
 */
@Injectable()
export class BootstrapAdminKeyService implements OnApplicationBootstrap {
  private readonly logger = new Logger('BootstrapAdminKey');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
    private readonly keys: ApiKeyRepository,
    private readonly hasher: ApiKeyHasher,
    private readonly cache: ApiKeyCache,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const secret = this.config.auth.bootstrapAdminKey;
    if (secret) {
      await this.ensureConfiguredKey(secret);
      return;
    }
    if (await this.keys.anyExists()) return;
    const generated = generateApiKeySecret();
    if (await this.insertKey(GENERATED_ADMIN_KEY_ID, generated, 'Generated admin key')) {
      printGeneratedKey(generated);
    }
  }

  private async ensureConfiguredKey(secret: string): Promise<void> {
    const existing = await this.keys.findByHash(this.hasher.hash(secret));
    if (!existing) {
      if (await this.insertKey(newId('key'), secret, 'Bootstrap admin key')) {
        this.logger.log('Created the platform admin key given in BOOTSTRAP_ADMIN_KEY');
      }
      return;
    }
    const usable =
      existing.revokedAt === null &&
      (existing.expiresAt === null || existing.expiresAt.getTime() > Date.now()) &&
      existing.role === 'platform_admin' &&
      existing.organizationId === null;
    if (usable) return;
    await this.unitOfWork.run(async (tx) => {
      await this.keys.restorePlatformKey(existing.id, tx);
      await this.audit.record(
        systemPrincipal(existing.id),
        {
          action: 'api_key.restore',
          resourceType: 'api_key',
          resourceId: existing.id,
          organizationId: null,
          changes: { reason: 'BOOTSTRAP_ADMIN_KEY', role: 'platform_admin' },
        },
        tx,
      );
    });
    this.cache.evictKey(existing.id);
    this.logger.warn('Restored the platform admin key given in BOOTSTRAP_ADMIN_KEY to active');
  }

  /** Inserts a platform admin key; false when another replica inserted it first. */
  private async insertKey(id: string, secret: string, name: string): Promise<boolean> {
    const key = Object.assign(new ApiKeyEntity(), {
      id,
      organizationId: null,
      userId: newId('usr'),
      name,
      role: 'platform_admin',
      keyHash: this.hasher.hash(secret),
      keyPrefix: apiKeyPrefixOf(secret),
      expiresAt: null,
      revokedAt: null,
      createdByKeyId: null,
      createdAt: new Date(),
    });
    try {
      await this.unitOfWork.run(async (tx) => {
        await this.keys.insert(key, [], [], tx);
        await this.audit.record(
          systemPrincipal(id),
          {
            action: 'api_key.bootstrap',
            resourceType: 'api_key',
            resourceId: id,
            organizationId: null,
            changes: { name, role: 'platform_admin', key_prefix: key.keyPrefix },
          },
          tx,
        );
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}

function systemPrincipal(keyId: string): Principal {
  return {
    keyId,
    userId: null,
    organizationId: null,
    role: 'platform_admin',
    accessGroups: [],
    teamIds: [],
    requestId: 'bootstrap',
  };
}

/**
 * The one place a secret is printed: straight to stdout, never through the JSON logger, so it
 * reaches the operator who started the process and no log pipeline.
 */
function printGeneratedKey(secret: string): void {
  const rule = '='.repeat(78);
  process.stdout.write(
    [
      '',
      rule,
      '  MCP Registry: the database had no API key, so a platform admin key was generated.',
      '  It is shown only this once. Store it now:',
      '',
      `      ${secret}`,
      '',
      '  Send it as "X-API-Key: <key>" (or "Authorization: Bearer <key>"), e.g. to',
      '  POST /v1/organizations and POST /v1/api-keys. Set BOOTSTRAP_ADMIN_KEY to choose it.',
      rule,
      '',
      '',
    ].join('\n'),
  );
}
