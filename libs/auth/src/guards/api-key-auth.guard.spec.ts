import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppConfig, AuthenticationError, ForbiddenError } from '@app/core';
import { ApiKeyAuthenticator } from '../api-keys/api-key.authenticator';
import { createApiKeyStrategy } from '../api-keys/api-key.strategy';
import { AnonymousAllowed, Public, Roles } from '../decorators/auth.decorators';
import type { Principal, Role } from '../principal';
import { ApiKeyThrottlerGuard } from '../rate-limit/api-key-throttler.guard';
import { ApiKeyAuthGuard } from './api-key-auth.guard';

class Routes {
  @Public()
  open() {}

  @Roles('member')
  forMembers() {}

  @Roles('member')
  @AnonymousAllowed()
  catalog() {}

  undeclared() {}
}

function principalFor(role: Role): Principal {
  return {
    keyId: 'key_1',
    userId: 'usr_1',
    organizationId: role === 'platform_admin' ? null : 'org_1',
    role,
    accessGroups: [],
    teamIds: [],
    requestId: 'req_1',
  };
}

describe('ApiKeyAuthGuard', () => {
  const keys = new Map<string, Principal>([
    ['ak_member', principalFor('member')],
    ['ak_viewer', principalFor('viewer')],
    ['ak_platform', principalFor('platform_admin')],
  ]);
  const authenticator = {
    authenticate: jest.fn(async (secret: string | undefined) => {
      if (!secret) throw new AuthenticationError('AUTHENTICATION_REQUIRED');
      const principal = keys.get(secret);
      if (!principal) throw new AuthenticationError('INVALID_API_KEY');
      return principal;
    }),
  };
  const throttler = { canActivate: jest.fn(async () => true) };
  // The real Passport path: the strategy is registered with Passport and the guard authenticates
  // through it; only the key store behind the authenticator is a table.
  const strategy = createApiKeyStrategy(authenticator as unknown as ApiKeyAuthenticator);
  const guardFor = (own = strategy) =>
    new ApiKeyAuthGuard(
      own,
      new Reflector(),
      throttler as unknown as ApiKeyThrottlerGuard,
      { auth: { rateLimitPerMinute: 60 } } as AppConfig,
    );
  const guard = guardFor();

  afterAll(() =>
    (strategy as unknown as { onApplicationShutdown(): void }).onApplicationShutdown(),
  );

  function call(handler: keyof Routes, key?: string, by = guard) {
    const request: Record<string, unknown> = {
      id: 'req_1',
      headers: key ? { 'x-api-key': key } : {},
    };
    const context = {
      getType: () => 'http',
      getClass: () => Routes,
      getHandler: () => Routes.prototype[handler],
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
    } as unknown as ExecutionContext;
    return { request, result: by.canActivate(context) };
  }

  beforeEach(() => {
    throttler.canActivate.mockClear();
    authenticator.authenticate.mockClear();
  });

  it('opens a @Public() route without a key, still rate limited', async () => {
    await expect(call('open').result).resolves.toBe(true);
    expect(authenticator.authenticate).not.toHaveBeenCalled();
    expect(throttler.canActivate).toHaveBeenCalledTimes(1);
  });

  it('puts the principal on the request for a listed role', async () => {
    const { request, result } = call('forMembers', 'ak_member');
    await expect(result).resolves.toBe(true);
    expect((request.principal as Principal).role).toBe('member');
  });

  it('lets a platform admin call any route that declares roles', async () => {
    await expect(call('forMembers', 'ak_platform').result).resolves.toBe(true);
  });

  it('refuses a role the route does not list', async () => {
    await expect(call('forMembers', 'ak_viewer').result).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses everyone, platform admins included, on a route with neither decorator', async () => {
    await expect(call('undeclared', 'ak_platform').result).rejects.toBeInstanceOf(ForbiddenError);
    await expect(call('undeclared').result).rejects.toMatchObject({
      code: 'AUTHENTICATION_REQUIRED',
    });
  });

  it('counts a failed authentication against the rate limit before refusing it', async () => {
    await expect(call('forMembers', 'ak_wrong').result).rejects.toMatchObject({
      code: 'INVALID_API_KEY',
    });
    expect(throttler.canActivate).toHaveBeenCalledTimes(1);
  });

  it('runs an @AnonymousAllowed() route without a principal when no key is sent, rate limited', async () => {
    const { request, result } = call('catalog');
    await expect(result).resolves.toBe(true);
    expect(request.principal).toBeUndefined();
    expect(authenticator.authenticate).not.toHaveBeenCalled();
    expect(throttler.canActivate).toHaveBeenCalledTimes(1);
  });

  it('authenticates and role-checks a key sent to an @AnonymousAllowed() route', async () => {
    const member = call('catalog', 'ak_member');
    await expect(member.result).resolves.toBe(true);
    expect((member.request.principal as Principal).role).toBe('member');
    await expect(call('catalog', 'ak_viewer').result).rejects.toBeInstanceOf(ForbiddenError);
    await expect(call('catalog', 'ak_wrong').result).rejects.toMatchObject({
      code: 'INVALID_API_KEY',
    });
  });

  it('gives each app its own Passport strategy: a key is checked by its own app only', async () => {
    const other = createApiKeyStrategy({
      authenticate: async () => principalFor('viewer'),
    } as unknown as ApiKeyAuthenticator);
    try {
      expect(other.strategyName).not.toBe(strategy.strategyName);
      const { request, result } = call('forMembers', 'ak_member', guardFor(other));
      await expect(result).rejects.toBeInstanceOf(ForbiddenError);
      expect((request.principal as Principal).role).toBe('viewer');
      await expect(call('forMembers', 'ak_member').result).resolves.toBe(true);
    } finally {
      (other as unknown as { onApplicationShutdown(): void }).onApplicationShutdown();
    }
    // Released on shutdown: Passport no longer knows the closed app's strategy.
    await expect(call('forMembers', 'ak_member', guardFor(other)).result).rejects.toThrow(
      /Unknown authentication strategy/,
    );
  });
});
