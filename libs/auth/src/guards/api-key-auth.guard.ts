import { ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig, AuthenticationError, ForbiddenError } from '@app/core';
import { ApiKeyStrategy } from '../api-keys/api-key.strategy';
import {
  ANONYMOUS_ALLOWED,
  IS_PUBLIC,
  NOT_RATE_LIMITED,
  ROLES_KEY,
} from '../decorators/auth.decorators';
import type { Principal, Role } from '../principal';
import { ApiKeyThrottlerGuard } from '../rate-limit/api-key-throttler.guard';

type AuthenticatedRequest = FastifyRequest & { principal: Principal };

/**
 * The one global guard, Nest's Passport `AuthGuard` for this app's API key strategy. Routes are
 * closed unless `@Public()`: Passport turns the API key into `request.principal`, the key's rate
 * limit is applied, then `@Roles(...)` decides. Public routes count against the caller's IP, like
 * failed logins, except those declared `@Public({ rateLimit: false })` (the service's own health).
 * A route that declares neither is refused to everyone, so a forgotten decorator fails closed.
 *
 * `AuthGuard()` is taken without a fixed strategy name: the name is this app's own (see
 * `createApiKeyStrategy`) and is passed as the guard's options, which no PassportModule overrides.
 */
@Injectable()
export class ApiKeyAuthGuard extends AuthGuard() {
  private readonly logger = new Logger('AuthGuard');
  private readonly undeclaredReported = new Set<unknown>();
  private readonly rateLimited: boolean;

  constructor(
    strategy: ApiKeyStrategy,
    private readonly reflector: Reflector,
    private readonly throttler: ApiKeyThrottlerGuard,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super({ defaultStrategy: strategy.strategyName, property: 'principal', session: false });
    this.rateLimited = config.auth.rateLimitPerMinute > 0;
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets)) {
      if (!this.reflector.getAllAndOverride<boolean | undefined>(NOT_RATE_LIMITED, targets)) {
        await this.rateLimit(context);
      }
      return true;
    }
    if (
      this.reflector.getAllAndOverride<boolean | undefined>(ANONYMOUS_ALLOWED, targets) &&
      !carriesCredential(context.switchToHttp().getRequest<FastifyRequest>())
    ) {
      await this.rateLimit(context);
      return true;
    }
    try {
      await super.canActivate(context);
    } catch (error) {
      // Failed attempts count against the caller's IP, which bounds key guessing.
      await this.rateLimit(context);
      throw error;
    }
    await this.rateLimit(context);

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles) {
      this.reportUndeclared(context);
      throw new ForbiddenError('This route declares no roles and is closed');
    }
    const { role } = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (role === 'platform_admin' || roles.includes(role)) return true;
    throw new ForbiddenError();
  }

  /** Passport's verdict: the authenticator's own 401 (which says why), else an unknown key. */
  override handleRequest<TUser = Principal>(error: unknown, principal: TUser | false): TUser {
    if (error) throw error;
    if (!principal) throw new AuthenticationError('INVALID_API_KEY');
    return principal;
  }

  private async rateLimit(context: ExecutionContext): Promise<void> {
    if (this.rateLimited) await this.throttler.canActivate(context);
  }

  private reportUndeclared(context: ExecutionContext): void {
    const handler = context.getHandler();
    if (this.undeclaredReported.has(handler)) return;
    this.undeclaredReported.add(handler);
    this.logger.error(
      `${context.getClass().name}.${handler.name} has neither @Public() nor @Roles(); every call is refused`,
    );
  }
}

/** Whether the request sends anything that claims to be a key (then it must authenticate). */
function carriesCredential(request: FastifyRequest): boolean {
  const { headers } = request;
  return headers['x-api-key'] !== undefined || headers.authorization !== undefined;
}
