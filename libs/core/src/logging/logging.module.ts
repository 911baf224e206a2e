import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream } from 'pino';
import { APP_CONFIG } from '../config/app-config.module';
import { AppConfig } from '../config/app-config';
import { requestIdFor } from '../http/request-id';

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
            // A string path: nestjs-pino's default route object matches nothing under Nest 12.
            forRoutes: ['{*splat}'],
            pinoHttp: [
              {
                level: config.logLevel,
                redact: { paths: redactPaths(), censor: '[REDACTED]' },
                genReqId: (req: IncomingMessage) => requestIdFor(req),
                customAttributeKeys: { reqId: 'trace_id', responseTime: 'latency_ms' },
                quietReqLogger: true,
                serializers: {
                  req: (req: {
                    method: string;
                    url: string;
                    raw?: IncomingMessage & { routeOptions?: { url?: string } };
                  }) => ({
                    method: req.method,
                    url: req.url.split('?')[0],
                  }),
                  res: (res: { statusCode: number }) => ({ status: res.statusCode }),
                },
                customProps: (req: IncomingMessage & { routeOptions?: { url?: string } }) => ({
                  route: (req as { routeOptions?: { url?: string } }).routeOptions?.url,
                }),
                customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
                  err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
              },
              options.destination,
            ].filter((part) => part !== undefined) as never,
          }),
        }),
      ],
    };
  }
}
