import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { APP_CONFIG } from '../config/app-config.module';
import { AppConfig } from '../config/app-config';
import { currentTraceId } from './trace-context';

/** Keys whose values never reach a log line, wherever they sit in the logged object. */
export const REDACTED_KEYS = [
  'credentials',
  'env',
  'token',
  'api_key',
  'apiKey',
  'key',
  'secret',
  'password',
  'authorization',
  'x-api-key',
  'access_token',
  'refresh_token',
  'client_secret',
];

export function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of REDACTED_KEYS) {
    const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const dot = safe.startsWith('[') ? '' : '.';
    paths.push(safe, `*${dot}${safe}`, `*.*${dot}${safe}`, `req.headers${dot}${safe}`);
  }
  return paths;
}

export interface LoggingOptions {
  /** Where log lines go (tests capture them); stdout by default. */
  destination?: DestinationStream;
}

@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions = {}): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            // No middleware: requests are logged by installRequestLogging (a Fastify hook).
            forRoutes: [],
            pinoHttp: [
              {
                level: config.logLevel,
                redact: { paths: redactPaths(), censor: '[REDACTED]' },
                mixin: () => {
                  const traceId = currentTraceId();
                  return traceId === undefined ? {} : { trace_id: traceId };
                },
              },
              options.destination,
            ].filter((part) => part !== undefined) as never,
          }),
        }),
      ],
    };
  }
}
