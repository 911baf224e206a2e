import { Injectable } from '@nestjs/common';
import type { OneOrganization } from '@app/core';
import { HealthCheckRepository, McpServerHealthState, McpServerStatus, UnitOfWork } from '@app/dal';
import { EventOutbox } from '@app/events';

/**
 * `mcp_server.health_changed`: written when a probe result moves a server's status (healthy,
 * unhealthy, unknown), never for a probe that confirms it. The result and its event are one
 * transaction, and the server's row is locked from reading the status before to the commit, so
 * of two results landing at once (the checker and a probe-now) each sees what the other left.
 */
@Injectable()
export class HealthTransitions {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly health: HealthCheckRepository,
    private readonly outbox: EventOutbox,
  ) {}

  /**
   * Runs `write` (a repository write of a probe result: it joins this unit) and, when it
   * `applied` a `status` other than the one before, appends the event.
   */
  async record<T>(
    scope: OneOrganization,
    serverId: string,
    status: McpServerStatus,
    write: () => Promise<T>,
    applied: (result: T) => boolean,
  ): Promise<T> {
    return this.unitOfWork.run(async (tx) => {
      const before = await this.health.statusForWrite(scope, serverId, tx);
      const result = await write();
      if (before === null || before === status || !applied(result)) return result;
      const after = await this.health.healthState(scope, serverId, tx);
      if (after) {
        await this.outbox.append(tx, scope, {
          type: 'mcp_server.health_changed',
          resourceId: serverId,
          data: healthChangeData(after, before),
        });
      }
      return result;
    });
  }
}

/** The server's health as GET /v1/mcp/server/health shows it, and the status it left. */
function healthChangeData(
  state: McpServerHealthState,
  previous: McpServerStatus,
): Record<string, unknown> {
  return {
    server_id: state.serverId,
    organization_id: state.organizationId,
    status: state.status,
    previous_status: previous,
    last_health_check: state.lastHealthCheck?.toISOString() ?? null,
    health_check_error: state.healthCheckError,
    health_check_error_kind: state.healthCheckErrorKind,
    latency_ms: state.latencyMs,
    tool_count: state.toolCount,
    consecutive_failures: state.consecutiveFailures,
  };
}
