import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth, OrganizationScopeResolver, Principal, Roles } from '@app/auth';
import { EventMetrics } from '@app/events';
import { HealthMetrics } from '@app/health-checker';
import { renderMetrics } from './metrics.renderer';
import { ToolDriftMetrics } from './tool-drift.metrics';

/** /metrics behind a key (the default; METRICS_PUBLIC=true mounts PublicMetricsController instead). */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: HealthMetrics,
    private readonly events: EventMetrics,
    private readonly drift: ToolDriftMetrics,
    private readonly scopes: OrganizationScopeResolver,
  ) {}

  @Get()
  @Roles('org_admin', 'service', 'health_monitor')
  @ApiOperation({
    summary:
      'Prometheus metrics: request latency by route and status, probe outcomes and durations, checker lag, tool drift of the servers in scope',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' } })
  async metricsText(
    @Auth() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    // The drift series name servers: a key sees its own organization's (platform admins all).
    const scope = await this.scopes.listScope(principal, undefined);
    return renderMetrics(this.metrics, this.events, this.drift, scope, reply);
  }
}
