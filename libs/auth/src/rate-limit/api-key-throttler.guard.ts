import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimitError } from '@app/core';
import type { Principal } from '../principal';

/**
 * Per-key rate limit (RATE_LIMIT_PER_MINUTE): one budget per API key across all routes, or per
 * client IP for requests without a valid key. Run by the auth guard once the key is known.
 */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const principal = request.principal as Principal | undefined;
    return principal ? `key:${principal.keyId}` : `ip:${(request as unknown as FastifyRequest).ip}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string) {
    return `${name}:${tracker}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    reply.header('X-RateLimit-Limit', detail.limit);
    reply.header('X-RateLimit-Remaining', 0);
    reply.header('X-RateLimit-Reset', detail.timeToExpire);
    throw new RateLimitError(Math.max(1, detail.timeToBlockExpire));
  }
}
