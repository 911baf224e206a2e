import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '@app/auth';
import { EventMetrics } from '@app/events';
import { HealthMetrics } from '@app/health-checker';
import { renderMetrics } from './metrics.renderer';

/** /metrics behind a key (the default; METRICS_PUBLIC=true mounts PublicMetricsController instead). */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: HealthMetrics,
    private readonly events: EventMetrics,
  ) {}

  @Get()
  @Roles('org_admin', 'service', 'health_monitor')
  @ApiOperation({
    summary:
      'Prometheus metrics: request latency by route and status, probe outcomes and durations, checker lag',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' } })
  metricsText(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return renderMetrics(this.metrics, this.events, reply);
  }
}
