import type { FastifyReply } from 'fastify';
import { Registry } from 'prom-client';
import type { EventMetrics } from '@app/events';
import type { HealthMetrics } from '@app/health-checker';

/** Prometheus text exposition of this process's metrics (the checker's and the change feed's). */
export async function renderMetrics(
  metrics: HealthMetrics,
  events: EventMetrics,
  reply: FastifyReply,
): Promise<string> {
  reply.header('content-type', metrics.registry.contentType);
  reply.header('cache-control', 'no-store');
  return Registry.merge([metrics.registry, events.registry]).metrics();
}
