import type { FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { runWithTraceId } from './trace-context';

/**
 * One log line per request (method, route template, status, latency_ms, trace_id) from a Fastify
 * onResponse hook, and the request's trace id on every line its handler logs.
 *
 * This replaces pino-http as a Nest middleware: that path ran Fastify's middleware emulation and
 * built a child logger for every request, even when the line was below the log level. Here a
 * request below the level costs one level check.
 */
export function installRequestLogging(fastify: FastifyInstance, logger: PinoLogger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // The context starts once the body is parsed: stream callbacks of the parser would not carry
  // it, and guards, pipes and handlers all run after this hook.
  fastify.addHook('preHandler', (request, _reply, done) => {
    runWithTraceId(request.id, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (logger.isLevelEnabled(level)) {
      const queryAt = request.url.indexOf('?');
      logger[level](
        {
          trace_id: request.id,
          method: request.method,
          url: queryAt < 0 ? request.url : request.url.slice(0, queryAt),
          route: request.routeOptions.url,
          status,
          latency_ms: Math.round(reply.elapsedTime * 100) / 100,
        },
        'request completed',
      );
    }
    done();
  });
}
