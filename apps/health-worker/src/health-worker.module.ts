import { DynamicModule, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { AppConfig, AppConfigModule, AppConfigOptions, LoggingModule } from '@app/core';
import { SecretBoxModule } from '@app/crypto';
import { DatabaseModule } from '@app/dal';
import { EventsModule } from '@app/events';
import { HealthCheckerModule } from '@app/health-checker';

export interface HealthWorkerModuleOptions extends AppConfigOptions {
  logDestination?: DestinationStream;
}

/**
 * The health worker: config, logging, database, secret box, the background checker and the
 * webhook deliverer, nothing else (no HTTP server, no auth). It runs both whatever
 * HEALTH_WORKER_ENABLED and WEBHOOK_WORKER_ENABLED say.
 */
@Module({})
export class HealthWorkerModule {
  static async forRoot(
    options: HealthWorkerModuleOptions = {},
  ): Promise<{ module: DynamicModule; config: AppConfig }> {
    const { module: configModule, config } = await AppConfigModule.load(options);
    return {
      config,
      module: {
        module: HealthWorkerModule,
        imports: [
          configModule,
          LoggingModule.forRoot({ destination: options.logDestination }),
          DatabaseModule,
          SecretBoxModule,
          EventsModule.forRoot({ deliveries: 'always' }),
          HealthCheckerModule.forRoot({ background: 'always' }),
        ],
      },
    };
  }
}
