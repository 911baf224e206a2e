import { OnApplicationShutdown } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import passport from 'passport';
import { Strategy } from 'passport-custom';
import type { Principal } from '../principal';
import { ApiKeyAuthenticator, extractApiKeySecret } from './api-key.authenticator';

/**
 * The Passport strategy of one app (the DI token; `createApiKeyStrategy` makes it): the request's
 * API key (X-API-Key or Bearer) becomes the Principal through that app's `ApiKeyAuthenticator`.
 */
export abstract class ApiKeyStrategy {
  /** The name it is registered under with Passport; the app's `AuthGuard` authenticates with it. */
  abstract readonly strategyName: string;
}

let registered = 0;

/**
 * Passport keeps strategies in one process-wide registry by name, and `AuthGuard(name)`
 * authenticates through that registry. Two apps in one process (test suites run replicas side by
 * side) registering one fixed name would both authenticate against the app registered last, that
 * is against its database. So each app's strategy gets a name of its own (`api-key#1`,
 * `api-key#2`, …), its guard authenticates with that name, and the name is released when the app
 * shuts down (the registry would otherwise keep the closed app's authenticator alive).
 */
export function createApiKeyStrategy(authenticator: ApiKeyAuthenticator): ApiKeyStrategy {
  const strategyName = `api-key#${++registered}`;

  class AppApiKeyStrategy
    extends PassportStrategy(Strategy, strategyName)
    implements ApiKeyStrategy, OnApplicationShutdown
  {
    readonly strategyName = strategyName;

    /** passport-custom's verify callback: called with the request, per authentication. */
    validate(request: FastifyRequest): Promise<Principal> {
      return authenticator.authenticate(extractApiKeySecret(request.headers), String(request.id));
    }

    onApplicationShutdown(): void {
      passport.unuse(strategyName);
    }
  }
  return new AppApiKeyStrategy();
}
