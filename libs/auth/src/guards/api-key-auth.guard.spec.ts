import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppConfig, AuthenticationError, ForbiddenError } from '@app/core';
import { ApiKeyAuthenticator } from '../api-keys/api-key.authenticator';
import { Public, Roles } from '../decorators/auth.decorators';
import type { Principal, Role } from '../principal';
import { ApiKeyThrottlerGuard } from '../rate-limit/api-key-throttler.guard';
import { ApiKeyAuthGuard } from './api-key-auth.guard';

class Routes {
  @Public()
  open() {}

  @Roles('member')
  forMembers() {}

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
  const guard = new ApiKeyAuthGuard(
    new Reflector(),
    throttler as unknown as ApiKeyThrottlerGuard,
    authenticator as unknown as ApiKeyAuthenticator,
    { auth: { rateLimitPerMinute: 60 } } as AppConfig,
  );

  function call(handler: keyof Routes, key?: string) {
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
    return { request, result: guard.canActivate(context) };
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
});
