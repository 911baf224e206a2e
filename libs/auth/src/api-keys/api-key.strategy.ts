import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import passport from 'passport';
import { Strategy } from 'passport-custom';
import type { Principal } from '../principal';
import { ApiKeyAuthenticator, extractApiKeySecret } from './api-key.authenticator';

export const API_KEY_STRATEGY = 'api-key';

// Filled while the base constructor runs, before any field of this class could be.
const ownAuthenticators = new WeakMap<object, passport.Authenticator>();

/**
 * Passport strategy: the request's API key (X-API-Key or Bearer) becomes the Principal. It
 * registers with a Passport instance of its own, not the process-wide one, so two apps in one
 * process (tests, a worker beside the API) never authenticate against each other's keys.
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, API_KEY_STRATEGY) {
  constructor(private readonly authenticator: ApiKeyAuthenticator) {
    super();
  }

  /** Called by the PassportStrategy base to register this strategy. */
  getPassportInstance(): passport.Authenticator {
    let instance = ownAuthenticators.get(this);
    if (!instance) {
      instance = new passport.Authenticator();
      ownAuthenticators.set(this, instance);
    }
    return instance;
  }

  validate(request: FastifyRequest): Promise<Principal> {
    return this.authenticator.authenticate(
      extractApiKeySecret(request.headers),
      String(request.id),
    );
  }
}
