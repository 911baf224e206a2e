import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@app/core';
import { HealthCheckerModule } from '@app/health-checker';
import { ConfigurationsModule } from '../configurations/configurations.module';
import { RegistryModule } from '../registry/registry.module';
import { ConfigurationProbeController } from './configuration-probe.controller';
import { ConfigurationProbeService } from './configuration-probe.service';
import { HttpMetricsRecorder } from './http-metrics.recorder';
import { McpHealthSummaryController } from './mcp-health-summary.controller';
import { McpHealthSummaryService } from './mcp-health-summary.service';
import { MetricsController } from './metrics.controller';
import { PublicMetricsController } from './public-metrics.controller';
import { ServerHealthCheckService } from './server-health-check.service';
import { ServerProbeController } from './server-probe.controller';

/**
 * MCP health in the API: probe-now routes for registry servers and custom configurations, the
 * CI summary, /metrics, and the background checker when HEALTH_WORKER_ENABLED (the default).
 */
@Module({})
export class McpHealthModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: McpHealthModule,
      imports: [
        HealthCheckerModule.forRoot({ background: 'when-enabled' }),
        RegistryModule,
        ConfigurationsModule,
      ],
      controllers: [
        ServerProbeController,
        ConfigurationProbeController,
        McpHealthSummaryController,
        // Which one is mounted decides whether /metrics needs a key (the guard reads the metadata).
        config.metricsPublic ? PublicMetricsController : MetricsController,
      ],
      providers: [
        ServerHealthCheckService,
        ConfigurationProbeService,
        McpHealthSummaryService,
        HttpMetricsRecorder,
      ],
    };
  }
}
