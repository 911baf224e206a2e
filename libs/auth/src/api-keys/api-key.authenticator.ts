import { Injectable } from '@nestjs/common';
import { AuthenticationError, Clock, SYSTEM_CLOCK } from '@app/core';
import { ApiKeyCredential, ApiKeyRepository } from '@app/dal';
import { Principal, Role, ROLES } from '../principal';
import { ApiKeyCache, CachedApiKey } from './api-key.cache';
import { ApiKeyHasher } from './api-key-hasher';
import { API_KEY_SECRET_PATTERN } from './api-key-secret';

type Headers = Record<string, string | string[] | undefined>;

function firstHeader(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The secret from `X-API-Key: ak_…` or `Authorization: Bearer ak_…`, if the request sent one. */
export function extractApiKeySecret(headers: Headers): string | undefined {
  const apiKey = firstHeader(headers, 'x-api-key')?.trim();
  if (apiKey) return apiKey;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(firstHeader(headers, 'authorization') ?? '');
  return match?.[1];
}

function toCachedKey(credential: ApiKeyCredential): CachedApiKey | null {
  if (!(ROLES as readonly string[]).includes(credential.role)) return null;
  return {
    keyId: credential.id,
    userId: credential.userId,
    organizationId: credential.organizationId,
    role: credential.role as Role,
    // Shared by every request of this key while cached: frozen so no handler can alter it.
    accessGroups: Object.freeze([...credential.accessGroups]) as string[],
    teamIds: Object.freeze([...credential.teamIds]) as string[],
    expiresAtMs: credential.expiresAt ? credential.expiresAt.getTime() : null,
    revoked: credential.revokedAt !== null,
  };
}

/**
 * Turns an API key secret into a Principal. Hot path: one HMAC and a cache hit; a miss costs one
 * query, and concurrent misses for the same key share it.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly inflight = new Map<
    string,
    { generation: number; lookup: Promise<CachedApiKey | null> }
  >();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly hasher: ApiKeyHasher,
    private readonly cache: ApiKeyCache,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  async authenticate(secret: string | undefined, requestId: string): Promise<Principal> {
    if (!secret) throw new AuthenticationError('AUTHENTICATION_REQUIRED');
    if (!API_KEY_SECRET_PATTERN.test(secret)) throw new AuthenticationError('INVALID_API_KEY');
    const keyHash = this.hasher.hash(secret);
    let key = this.cache.lookup(keyHash);
    if (key === undefined) key = await this.load(keyHash);
    if (key === null) throw new AuthenticationError('INVALID_API_KEY');
    if (key.revoked) throw new AuthenticationError('API_KEY_DEACTIVATED');
    if (key.expiresAtMs !== null && key.expiresAtMs <= this.clock.now()) {
      throw new AuthenticationError('API_KEY_EXPIRED');
    }
    return {
      keyId: key.keyId,
      userId: key.userId,
      organizationId: key.organizationId,
      role: key.role,
      accessGroups: key.accessGroups,
      teamIds: key.teamIds,
      requestId,
    };
  }

  private load(keyHash: string): Promise<CachedApiKey | null> {
    const generation = this.cache.generation;
    const pending = this.inflight.get(keyHash);
    // A lookup started before an eviction may have read the old row: never join it.
    if (pending && pending.generation === generation) return pending.lookup;
    const lookup = this.keys
      .findCredentialByHash(keyHash)
      .then((credential) => {
        const key = credential ? toCachedKey(credential) : null;
        this.cache.store(keyHash, key, generation);
        return key;
      })
      .finally(() => {
        if (this.inflight.get(keyHash)?.lookup === lookup) this.inflight.delete(keyHash);
      });
    this.inflight.set(keyHash, { generation, lookup });
    return lookup;
  }
}
