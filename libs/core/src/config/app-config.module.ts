import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig, parseEnv } from './app-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

export interface AppConfigOptions {
  /** Values that win over the process environment and .env (tests start apps with these). */
  env?: Record<string, string | undefined>;
  /** Skip reading .env (tests: the suite decides every value). */
  ignoreEnvFile?: boolean;
}

/**
 * Loads .env through @nestjs/config, then parses and validates every variable once into a typed
 * AppConfig. An invalid value throws ConfigValidationError while the module is being built,
 * before anything listens.
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
      ],
      exports: [APP_CONFIG],
    };
    return { module, config };
  }
}
