import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Histogram } from 'prom-client';
import { HealthMetrics } from '@app/health-checker';

const KNOWN_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Times every HTTP response in a Fastify onResponse hook: cheaper than a Nest interceptor, and it
 * also sees requests the guard, the body parser or the router refused. Routes are labelled by
 * their template (`/v1/mcp/server/:server_id`), never the raw URL, so ids cannot explode the
 * label set; requests matching no route share the label `unmatched`.
 */
@Injectable()
export class HttpMetricsRecorder implements OnModuleInit {
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    metrics: HealthMetrics,
  ) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: BUCKETS,
      registers: [metrics.registry],
    });
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance() as FastifyInstance | undefined;
    if (!fastify || typeof fastify.addHook !== 'function') return;
    fastify.addHook('onResponse', (request, reply, done) => {
      const method = KNOWN_METHODS.has(request.method) ? request.method : 'OTHER';
      const route = request.routeOptions?.url ?? 'unmatched';
      this.duration.observe(
        { method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
