import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, AppConfig, Clock, SYSTEM_CLOCK } from '@app/core';
import type { Role } from '../principal';

/** What a successful key lookup leaves in the cache: everything a principal is built from. */
export interface CachedApiKey {
  keyId: string;
  userId: string | null;
  organizationId: string | null;
  role: Role;
  accessGroups: string[];
  teamIds: string[];
  expiresAtMs: number | null;
  revoked: boolean;
}

/** Unknown hashes are remembered briefly so that replaying a wrong key costs no query. */
const NEGATIVE_TTL_CAP_MS = 2_000;

/**
 * In-process cache of key lookups by secret hash (API_KEY_CACHE_TTL_MS, API_KEY_CACHE_MAX; a
 * TTL of 0 disables it). Writes on this replica evict at once; other replicas see a revocation
 * when their entry expires, so the TTL bounds how long a revoked key keeps working there.
 */
@Injectable()
export class ApiKeyCache {
  /** Both null when the cache is off. */
  private readonly known: LRUCache<string, CachedApiKey> | null = null;
  private readonly unknown: LRUCache<string, true> | null = null;
  /**
   * Bumped by every eviction. A lookup that started before an eviction does not store its
   * (possibly stale) result, so a revoke racing a cache miss cannot resurrect the old state.
   */
  private generationCounter = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig, clock: Clock = SYSTEM_CLOCK) {
    const { keyCacheTtlMs: ttl, keyCacheMax: max } = config.auth;
    if (ttl > 0 && max > 0) {
      // Entries age by the injected clock, read on every lookup (no 1 ms reuse of a reading).
      const timing = { perf: clock, ttlResolution: 0 };
      this.known = new LRUCache({ max, ttl, ...timing });
      this.unknown = new LRUCache({ max, ttl: Math.min(ttl, NEGATIVE_TTL_CAP_MS), ...timing });
    }
  }

  get generation(): number {
    return this.generationCounter;
  }

  /** The cached key, `null` for a hash known not to exist, `undefined` when not cached. */
  lookup(keyHash: string): CachedApiKey | null | undefined {
    const hit = this.known?.get(keyHash);
    if (hit) return hit;
    return this.unknown?.get(keyHash) ? null : undefined;
  }

  store(keyHash: string, key: CachedApiKey | null, generation: number): void {
    if (generation !== this.generationCounter) return;
    if (key) this.known?.set(keyHash, key);
    else this.unknown?.set(keyHash, true);
  }

  evictKey(keyId: string): void {
    this.evictWhere((key) => key.keyId === keyId);
  }

  /** After a team's groups change or it is deleted: its members' access groups changed. */
  evictTeam(teamId: string): void {
    this.evictWhere((key) => key.teamIds.includes(teamId));
  }

  evictOrganization(organizationId: string): void {
    this.evictWhere((key) => key.organizationId === organizationId);
  }

  clear(): void {
    this.generationCounter += 1;
    this.known?.clear();
    this.unknown?.clear();
  }

  /** Removes the cached keys a predicate selects (rare writes: revocation, team changes). */
  private evictWhere(matches: (key: CachedApiKey) => boolean): void {
    this.generationCounter += 1;
    if (!this.known) return;
    const hashes = [...this.known.entries()].filter(([, key]) => matches(key));
    for (const [hash] of hashes) this.known.delete(hash);
  }
}
