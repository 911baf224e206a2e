import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig, ForbiddenError } from '@app/core';
import { ApiKeyAuthenticator, extractApiKeySecret } from '../api-keys/api-key.authenticator';
import { IS_PUBLIC, NOT_RATE_LIMITED, ROLES_KEY } from '../decorators/auth.decorators';
import type { Principal, Role } from '../principal';
import { ApiKeyThrottlerGuard } from '../rate-limit/api-key-throttler.guard';

type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/**
 * The one global guard. Routes are closed unless `@Public()`: the API key (X-API-Key or Bearer)
 * becomes the request's Principal, the key's rate limit is applied, then `@Roles(...)` decides.
 * Public routes count against the caller's IP, like failed logins, except those declared
 * `@Public({ rateLimit: false })` (the service's own health).
 * A route that declares neither is refused to everyone, so a forgotten decorator fails closed.
 */
@Injectable()
export class ApiKeyAuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');
  private readonly undeclaredReported = new Set<unknown>();
  private readonly rateLimited: boolean;

  constructor(
    private readonly reflector: Reflector,
    private readonly throttler: ApiKeyThrottlerGuard,
    private readonly authenticator: ApiKeyAuthenticator,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.rateLimited = config.auth.rateLimitPerMinute > 0;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets)) {
      if (!this.reflector.getAllAndOverride<boolean | undefined>(NOT_RATE_LIMITED, targets)) {
        await this.rateLimit(context);
      }
      return true;
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    try {
      request.principal = await this.authenticator.authenticate(
        extractApiKeySecret(request.headers),
        String(request.id),
      );
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
    const { role } = request.principal;
    if (role === 'platform_admin' || roles.includes(role)) return true;
    throw new ForbiddenError();
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
