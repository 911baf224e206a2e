import { AppConfig } from '@app/core';
import { TestClock } from '../../../../test/support/clock';
import type { ApiKeyCredential, ApiKeyRepository } from '@app/dal';
import { ApiKeyAuthenticator, extractApiKeySecret } from './api-key.authenticator';
import { ApiKeyCache } from './api-key.cache';
import { ApiKeyHasher } from './api-key-hasher';
import { generateApiKeySecret } from './api-key-secret';

function setup(ttlMs = 5_000) {
  const hasher = new ApiKeyHasher('pepper-0123456789abcdef');
  const rows = new Map<string, ApiKeyCredential>();
  const repository = {
    findCredentialByHash: jest.fn(async (hash: string) => rows.get(hash) ?? null),
  };
  const clock = new TestClock();
  const config = { auth: { keyCacheTtlMs: ttlMs, keyCacheMax: 100 } } as AppConfig;
  const cache = new ApiKeyCache(config, clock);
  const authenticator = new ApiKeyAuthenticator(
    repository as unknown as ApiKeyRepository,
    hasher,
    cache,
    clock,
  );
  const secret = generateApiKeySecret();
  const credential: ApiKeyCredential = {
    id: 'key_1',
    organizationId: 'org_1',
    userId: 'usr_1',
    role: 'member',
    expiresAt: null,
    revokedAt: null,
    accessGroups: ['a', 'b'],
    teamIds: ['team_1'],
  };
  rows.set(hasher.hash(secret), credential);
  return { authenticator, repository, cache, clock, secret, credential };
}

describe('extractApiKeySecret', () => {
  it('reads X-API-Key first, then Authorization: Bearer', () => {
    expect(extractApiKeySecret({ 'x-api-key': 'ak_a', authorization: 'Bearer ak_b' })).toBe('ak_a');
    expect(extractApiKeySecret({ authorization: 'bearer  ak_b ' })).toBe('ak_b');
    expect(extractApiKeySecret({ authorization: 'Basic abc' })).toBeUndefined();
    expect(extractApiKeySecret({})).toBeUndefined();
  });
});

describe('ApiKeyAuthenticator', () => {
  it('builds the principal from the key and answers repeats from the cache', async () => {
    const { authenticator, repository, secret } = setup();
    const first = await authenticator.authenticate(secret, 'req_1');
    const second = await authenticator.authenticate(secret, 'req_2');
    expect(first).toEqual({
      keyId: 'key_1',
      userId: 'usr_1',
      organizationId: 'org_1',
      role: 'member',
      accessGroups: ['a', 'b'],
      teamIds: ['team_1'],
      requestId: 'req_1',
    });
    expect(second.requestId).toBe('req_2');
    expect(repository.findCredentialByHash).toHaveBeenCalledTimes(1);
    expect(() => second.accessGroups.push('x')).toThrow();
  });

  it('shares one lookup among concurrent misses of the same key', async () => {
    const { authenticator, repository, secret } = setup();
    await Promise.all([1, 2, 3].map((n) => authenticator.authenticate(secret, `req_${n}`)));
    expect(repository.findCredentialByHash).toHaveBeenCalledTimes(1);
  });

  it('remembers an unknown key briefly, and skips the database for a malformed one', async () => {
    const { authenticator, repository } = setup();
    const unknown = generateApiKeySecret();
    for (let i = 0; i < 3; i += 1) {
      await expect(authenticator.authenticate(unknown, 'req')).rejects.toMatchObject({
        code: 'INVALID_API_KEY',
      });
    }
    expect(repository.findCredentialByHash).toHaveBeenCalledTimes(1);
    await expect(authenticator.authenticate('garbage', 'req')).rejects.toMatchObject({
      code: 'INVALID_API_KEY',
    });
    await expect(authenticator.authenticate(undefined, 'req')).rejects.toMatchObject({
      code: 'AUTHENTICATION_REQUIRED',
    });
    expect(repository.findCredentialByHash).toHaveBeenCalledTimes(1);
  });

  it('sees a revocation after evictKey, and expiry without any eviction', async () => {
    const { authenticator, cache, secret, credential } = setup();
    await authenticator.authenticate(secret, 'req');
    credential.revokedAt = new Date();
    await expect(authenticator.authenticate(secret, 'req')).resolves.toMatchObject({
      keyId: 'key_1',
    });
    cache.evictKey('key_1');
    await expect(authenticator.authenticate(secret, 'req')).rejects.toMatchObject({
      code: 'API_KEY_DEACTIVATED',
    });

    const other = setup();
    other.credential.expiresAt = new Date(other.clock.now() + 1_000);
    await other.authenticator.authenticate(other.secret, 'req');
    other.clock.advance(900);
    await expect(other.authenticator.authenticate(other.secret, 'req')).resolves.toMatchObject({
      keyId: 'key_1',
    });
    other.clock.advance(100);
    await expect(other.authenticator.authenticate(other.secret, 'req')).rejects.toMatchObject({
      code: 'API_KEY_EXPIRED',
    });
    expect(other.repository.findCredentialByHash).toHaveBeenCalledTimes(1);
  });

  it('serves a key from the cache for the TTL, then reads it again (a revocation elsewhere shows)', async () => {
    const { authenticator, repository, clock, secret, credential } = setup(5_000);
    await authenticator.authenticate(secret, 'req');
    credential.revokedAt = new Date();
    clock.advance(4_900);
    await expect(authenticator.authenticate(secret, 'req')).resolves.toMatchObject({
      keyId: 'key_1',
    });
    clock.advance(101);
    await expect(authenticator.authenticate(secret, 'req')).rejects.toMatchObject({
      code: 'API_KEY_DEACTIVATED',
    });
    expect(repository.findCredentialByHash).toHaveBeenCalledTimes(2);
  });

  it('does not cache a lookup that raced an eviction', async () => {
    const { authenticator, repository, cache, secret } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const original = repository.findCredentialByHash.getMockImplementation()!;
    repository.findCredentialByHash.mockImplementationOnce(async (hash: string) => {
      await gate;
      return original(hash);
    });
    const pending = authenticator.authenticate(secret, 'req');
    cache.evictKey('key_1');
    release();
    await pending;
    await authenticator.authenticate(secret, 'req');
    expect(repository.findCredentialByHash).toHaveBeenCalledTimes(2);
  });

  it('goes to the database every time when the TTL is 0', async () => {
    const { authenticator, repository, secret } = setup(0);
    await authenticator.authenticate(secret, 'req');
    await authenticator.authenticate(secret, 'req');
    expect(repository.findCredentialByHash).toHaveBeenCalledTimes(2);
  });
});
