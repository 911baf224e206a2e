import { DynamicModule, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { AppConfig, AppConfigModule, AppConfigOptions, LoggingModule } from '@app/core';
import { DatabaseModule } from '@app/dal';
import { AuditModule, AuthModule } from '@app/auth';
import { SecretBoxModule } from '@app/crypto';
import { EventsModule } from '@app/events';
import { HealthModule } from './health/health.module';
import { McpHealthModule } from './health/mcp-health.module';
import { AdminModule } from './admin/admin.module';
import { ConfigurationsModule } from './configurations/configurations.module';
import { RegistryModule } from './registry/registry.module';
import { EventsFeedModule } from './events/events-feed.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { OfficialRegistryModule } from './official-registry/official-registry.module';

export interface AppModuleOptions extends AppConfigOptions {
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  static async forRoot(
    options: AppModuleOptions = {},
  ): Promise<{ module: DynamicModule; config: AppConfig }> {
    const { module: configModule, config } = await AppConfigModule.load(options);
    return {
      config,
      module: {
        module: AppModule,
        imports: [
          configModule,
          LoggingModule.forRoot({ destination: options.logDestination }),
          DatabaseModule,
          SecretBoxModule,
          AuditModule,
          EventsModule.forRoot({ deliveries: 'when-enabled' }),
          AuthModule,
          AdminModule,
          HealthModule,
          McpHealthModule.forRoot(config),
          ConfigurationsModule,
          RegistryModule,
          EventsFeedModule,
          WebhooksModule,
          OfficialRegistryModule,
        ],
      },
    };
  }
}
