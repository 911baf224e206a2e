import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Clock, SYSTEM_CLOCK } from '../time/clock';
import { AppConfig, parseEnv } from './app-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

export interface AppConfigOptions {
  /** Values that win over the process environment and .env (tests start apps with these). */
  env?: Record<string, string | undefined>;
  /** Skip reading .env (tests: the suite decides every value). */
  ignoreEnvFile?: boolean;
  /** The time key expiry and the key cache read (tests move it); the system clock by default. */
  clock?: Clock;
}

/**
 * Loads .env through @nestjs/config, then parses and validates every variable once into a typed
 * AppConfig. An invalid value throws ConfigValidationError while the module is being built,
 * before anything listens. It also provides the Clock (global, like the config).
 */
@Global()
@Module({})
export class AppConfigModule {
  /** Builds the module and hands back the parsed config (the app needs it before Nest starts). */
  static async load(
    options: AppConfigOptions = {},
  ): Promise<{ module: DynamicModule; config: AppConfig }> {
    // forRoot copies .env into process.env (without overriding real variables) before returning.
    const holder: { app?: AppConfig } = {};
    const configModule = await ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      ignoreEnvFile: options.ignoreEnvFile ?? false,
      load: [() => ({ app: holder.app })],
    });
    const config = parseEnv({ ...process.env, ...(options.env ?? {}) });
    holder.app = config;
    const module: DynamicModule = {
      module: AppConfigModule,
      imports: [configModule],
      providers: [
        {
          provide: APP_CONFIG,
          inject: [ConfigService],
          useFactory: (service: ConfigService<{ app: AppConfig }, true>) =>
            service.get('app', { infer: true }),
        },
        { provide: Clock, useValue: options.clock ?? SYSTEM_CLOCK },
      ],
      exports: [APP_CONFIG, Clock],
    };
    return { module, config };
  }
}
