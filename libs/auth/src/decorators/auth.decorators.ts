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
