import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '@app/core';
import { ApiKeyRepository, OrganizationRepository } from '@app/dal';
import { ApiKeyAuthenticator } from './api-keys/api-key.authenticator';
import { ApiKeyCache } from './api-keys/api-key.cache';
import { ApiKeyHasher } from './api-keys/api-key-hasher';
import { ApiKeyStrategy, createApiKeyStrategy } from './api-keys/api-key.strategy';
import { resolveApiKeyPepper } from './api-keys/api-key-pepper.loader';
import { BootstrapAdminKeyService } from './bootstrap/bootstrap-admin-key.service';
import { ApiKeyAuthGuard } from './guards/api-key-auth.guard';
import { ApiKeyThrottlerGuard } from './rate-limit/api-key-throttler.guard';
import { FixedWindowThrottlerStorage } from './rate-limit/fixed-window-throttler.storage';
import { OrganizationScopeResolver } from './scope/organization-scope.resolver';

/**
 * Authentication (Passport: this app's API key strategy and its `AuthGuard`, the global guard),
 * roles and rate limiting for every route, the API key cache, the organization scope resolver,
 * and the BOOTSTRAP_ADMIN_KEY handling at start.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [
          { name: 'default', ttl: 60_000, limit: Math.max(1, config.auth.rateLimitPerMinute) },
        ],
        storage: new FixedWindowThrottlerStorage(),
      }),
    }),
  ],
  providers: [
    ApiKeyRepository,
    OrganizationRepository,
    OrganizationScopeResolver,
    {
      provide: ApiKeyHasher,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const logger = new Logger('ApiKeyPepper');
        return new ApiKeyHasher(resolveApiKeyPepper(config, (message) => logger.warn(message)));
      },
    },
    ApiKeyCache,
    ApiKeyAuthenticator,
    { provide: ApiKeyStrategy, inject: [ApiKeyAuthenticator], useFactory: createApiKeyStrategy },
    ApiKeyThrottlerGuard,
    BootstrapAdminKeyService,
    { provide: APP_GUARD, useClass: ApiKeyAuthGuard },
  ],
  exports: [ApiKeyRepository, ApiKeyHasher, ApiKeyCache, OrganizationScopeResolver],
})
export class AuthModule {}
