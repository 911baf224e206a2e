import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@app/core';
import { ApiHealthCheckerModule } from '../shared/probe/api-health-checker.module';
import { HttpMetricsRecorder } from './http-metrics.recorder';
import { McpHealthSummaryController } from './mcp-health-summary.controller';
import { McpHealthSummaryService } from './mcp-health-summary.service';
import { MetricsController } from './metrics.controller';
import { PublicMetricsController } from './public-metrics.controller';
import { ToolDriftMetrics } from './tool-drift.metrics';

/**
 * MCP health in the API: the CI summary, /metrics, and the background checker when
 * HEALTH_WORKER_ENABLED (the default). Probe-now routes live with their feature (registry,
 * configurations).
 */
@Module({})
export class McpHealthModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: McpHealthModule,
      imports: [ApiHealthCheckerModule],
      controllers: [
        McpHealthSummaryController,
        // Which one is mounted decides whether /metrics needs a key (the guard reads the metadata).
        config.metricsPublic ? PublicMetricsController : MetricsController,
      ],
      providers: [McpHealthSummaryService, HttpMetricsRecorder, ToolDriftMetrics],
    };
  }
}
