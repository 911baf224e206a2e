import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';
import type { IncomingMessage, ServerOptions } from 'node:http';
import {
  AllExceptionsFilter,
  AppConfig,
  createValidationPipe,
  installRequestLogging,
  requestIdFor,
  TrustProxy,
} from '@app/core';
import { AppModule, AppModuleOptions } from './app.module';
import { ConnectionDrain } from './http/connection-drain';
import { clientErrorHandler, frameworkErrorHandler, RejectionLog } from './http/framework-errors';
import { jsonBodyParser } from './http/json-body.parser';

export interface CreatedApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** Graceful HTTP shutdown; main.ts starts it on SIGTERM/SIGINT. */
  drain: ConnectionDrain;
}

/** Builds the HTTP app exactly as production runs it; main.ts and the e2e suites both use it. */
export async function createApp(options: AppModuleOptions = {}): Promise<CreatedApp> {
  const { module, config } = await AppModule.forRoot(options);
  // Answers given before Nest (router and HTTP parser refusals) log through the app's logger
  // once it exists; they cannot happen before the app listens.
  const rejectionLog = () => PinoLogger.root as RejectionLog | undefined;
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: (req: IncomingMessage) => requestIdFor(req),
    requestIdHeader: false,
    frameworkErrors: frameworkErrorHandler(rejectionLog),
    clientErrorHandler: clientErrorHandler(rejectionLog),
    requestTimeout: config.requestTimeoutMs,
    // Whose X-Forwarded-For names the client (request.ip, the per-IP rate limit): nobody's by
    // default, so a client cannot pick its own address; set TRUST_PROXY behind a balancer.
    trustProxy: fastifyTrustProxy(config.trustProxy),
    http: nodeServerTimeouts(config.requestTimeoutMs),
    // Shutdown belongs to ConnectionDrain: our envelope instead of Fastify's 503 body, and no
    // idle keep-alive socket destroyed under a request its client is sending.
    return503OnClosing: false,
    forceCloseConnections: false,
    routerOptions: { ignoreTrailingSlash: true },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(createValidationPipe());

  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: text/plain would otherwise reach handlers as a string.
  fastify.removeContentTypeParser('text/plain');
  app.useBodyParser(
    'application/json',
    { bodyLimit: config.bodyLimitBytes },
    jsonBodyParser(fastify),
  );
  installRequestLogging(fastify, PinoLogger.root);
  const drainLogger = new NestLogger('ConnectionDrain');
  const drain = new ConnectionDrain(app.getHttpServer(), drainLogger);
  drain.install(fastify);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('MCP Registry')
      .setDescription(
        'Register, secure and watch the MCP servers of your organizations. Authenticate with X-API-Key or Authorization: Bearer.',
      )
      .setVersion('1.0')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'ak_...' }, 'bearer')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });

  return { app, config, drain };
}

/**
 * Node enforces the request timeout (and the headers timeout, which may not exceed it) on a
 * periodic sweep, every 30 s by default: a shorter timeout gets a proportionally shorter sweep.
 */
function nodeServerTimeouts(requestTimeoutMs: number): ServerOptions {
  if (requestTimeoutMs === 0) return {};
  return {
    headersTimeout: Math.min(60_000, requestTimeoutMs),
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(requestTimeoutMs / 4))),
  };
}

/**
 * Fastify takes booleans and address lists as they are; a hop count (trust the nearest n proxies,
 * whoever they are) it no longer supports, so it is a function here. Prefer the balancer's
 * addresses: a hop count also trusts a client that reaches the service directly.
 */
function fastifyTrustProxy(
  trustProxy: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trustProxy !== 'number') return trustProxy;
  return (_address, hop) => hop < trustProxy;
}
