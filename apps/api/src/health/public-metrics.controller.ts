import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { allOrganizations, systemPrincipal } from '@app/core';
import { Public } from '@app/auth';
import { EventMetrics } from '@app/events';
import { HealthMetrics } from '@app/health-checker';
import { renderMetrics } from './metrics.renderer';
import { ToolDriftMetrics } from './tool-drift.metrics';

/** Public metrics report every organization's drifted servers: the operator opened them up. */
const EVERY_ORGANIZATION = allOrganizations(systemPrincipal('metrics'));

/** /metrics without a key, mounted only when METRICS_PUBLIC=true (e.g. a scraper inside the cluster). */
@ApiTags('health')
@Controller('metrics')
export class PublicMetricsController {
  constructor(
    private readonly metrics: HealthMetrics,
    private readonly events: EventMetrics,
    private readonly drift: ToolDriftMetrics,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Prometheus metrics (public: METRICS_PUBLIC=true)',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string' } })
  metricsText(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return renderMetrics(this.metrics, this.events, this.drift, EVERY_ORGANIZATION, reply);
  }
}
