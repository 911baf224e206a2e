import type { FastifyReply } from 'fastify';
import type { OrganizationScope } from '@app/core';
import type { EventMetrics } from '@app/events';
import type { HealthMetrics } from '@app/health-checker';
import type { ToolDriftMetrics } from './tool-drift.metrics';

/**
 * Prometheus text exposition of this process's metrics (the checker's and the change feed's)
 * and the drift of the servers in scope.
 */
export async function renderMetrics(
  metrics: HealthMetrics,
  events: EventMetrics,
  drift: ToolDriftMetrics,
  scope: OrganizationScope,
  reply: FastifyReply,
): Promise<string> {
  reply.header('content-type', metrics.registry.contentType);
  reply.header('cache-control', 'no-store');
  const [own, feed, drifted] = await Promise.all([
    metrics.registry.metrics(),
    events.registry.metrics(),
    drift.render(scope),
  ]);
  return `${own.trimEnd()}\n\n${feed.trimEnd()}\n\n${drifted}`;
}
