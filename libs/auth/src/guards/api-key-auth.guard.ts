import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig, AuthenticationError, ForbiddenError } from '@app/core';
import { API_KEY_STRATEGY, ApiKeyStrategy } from '../api-keys/api-key.strategy';
import { IS_PUBLIC, NOT_RATE_LIMITED, ROLES_KEY } from '../decorators/auth.decorators';
import type { Principal, Role } from '../principal';
import { ApiKeyThrottlerGuard } from '../rate-limit/api-key-throttler.guard';

type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/**
 * The one global guard. Routes are closed unless `@Public()`: the API key is authenticated
 * (through the Passport strategy), the key's rate limit is applied, then `@Roles(...)` decides.
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
    private readonly strategy: ApiKeyStrategy,
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
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    try {
      request.principal = await this.authenticate(request, http.getResponse<FastifyReply>());
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

  private authenticate(request: FastifyRequest, reply: FastifyReply): Promise<Principal> {
    return new Promise((resolve, reject) => {
      const refuse = (error?: unknown) =>
        reject(error ?? new AuthenticationError('INVALID_API_KEY'));
      this.strategy
        .getPassportInstance()
        .authenticate(API_KEY_STRATEGY, { session: false }, (error: unknown, principal: unknown) =>
          error || !principal ? refuse(error) : resolve(principal as Principal),
        )(request, reply, refuse);
    });
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
