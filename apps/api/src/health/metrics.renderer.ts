import type { FastifyReply } from 'fastify';
import type { HealthMetrics } from '@app/health-checker';

/** Prometheus text exposition of this process's metrics. */
export async function renderMetrics(metrics: HealthMetrics, reply: FastifyReply): Promise<string> {
  reply.header('content-type', metrics.registry.contentType);
  reply.header('cache-control', 'no-store');
  return metrics.registry.metrics();
}
