import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import type { Principal, Role } from '../principal';

export const IS_PUBLIC = 'auth:isPublic';
export const NOT_RATE_LIMITED = 'auth:notRateLimited';
export const ROLES_KEY = 'auth:roles';
export const ANONYMOUS_ALLOWED = 'auth:anonymousAllowed';

export interface PublicOptions {
  /**
   * false: the route neither counts against nor is refused by the caller IP's budget. For the
   * service's own health, which balancers and orchestrators poll from shared addresses: failed
   * logins from such an address must never make the service look dead.
   */
  rateLimit?: boolean;
}

/** Opens a route to unauthenticated callers. Every other route is closed by default. */
export const Public = (options: PublicOptions = {}) =>
  options.rateLimit === false
    ? applyDecorators(SetMetadata(IS_PUBLIC, true), SetMetadata(NOT_RATE_LIMITED, true))
    : SetMetadata(IS_PUBLIC, true);

/** Who may call the handler; platform admins always may. Shown as security in OpenAPI. */
export const Roles = (...roles: Role[]) =>
  applyDecorators(SetMetadata(ROLES_KEY, roles), ApiSecurity('api-key'), ApiSecurity('bearer'));

/** The authenticated caller, as the global guard put it on the request. */
export const Auth = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!request.principal) throw new Error('Auth() used on a route the auth guard did not run on');
  return request.principal;
});

/**
 * A `@Roles(...)` route that also answers a request carrying no credential at all (no X-API-Key,
 * no Authorization header): it runs without a principal (read it with `@Caller()`), rate limited
 * by IP like public routes. A request that sends a key is authenticated and role-checked as usual,
 * so a bad key is still a 401. The handler decides what an anonymous caller gets.
 */
export const AnonymousAllowed = () => SetMetadata(ANONYMOUS_ALLOWED, true);

/** The caller on an `@AnonymousAllowed()` route: its principal, or null when anonymous. */
export const Caller = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal | null =>
    ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal ?? null,
);
