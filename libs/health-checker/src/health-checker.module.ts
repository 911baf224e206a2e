import { DynamicModule, Module } from '@nestjs/common';
import {
  CredentialsRefreshRepository,
  HealthCheckConfigurationRepository,
  HealthCheckRepository,
  McpServerClaimRepository,
  ToolBaselineRepository,
} from '@app/dal';
import { ToolDriftDetector } from './drift/tool-drift.detector';
import { HEALTH_CHECKER_OPTIONS, HealthCheckerOptions } from './health-checker.options';
import { HealthCheckerService } from './health-checker.service';
import { HealthMetrics } from './health-metrics';
import { HealthTransitions } from './health-transitions';
import { OAuthCredentialsRefresher } from './oauth/oauth-credentials.refresher';
import { ProbeRunner } from './probe-runner';
import { ServerProbeService } from './server-probe.service';

/**
 * Probing and the background checker, for both apps: the API (probe-now routes, and the checker
 * when HEALTH_WORKER_ENABLED) and the dedicated health worker. Needs the config, database and
 * SecretBox modules of the app that imports it.
 */
@Module({})
export class HealthCheckerModule {
  static forRoot(options: HealthCheckerOptions): DynamicModule {
    return {
      module: HealthCheckerModule,
      providers: [
        { provide: HEALTH_CHECKER_OPTIONS, useValue: options },
        HealthCheckRepository,
        McpServerClaimRepository,
        HealthCheckConfigurationRepository,
        HealthMetrics,
        ProbeRunner,
        CredentialsRefreshRepository,
        OAuthCredentialsRefresher,
        ServerProbeService,
        HealthTransitions,
        HealthCheckerService,
        ToolBaselineRepository,
        ToolDriftDetector,
      ],
      exports: [
        HealthTransitions,
        ToolBaselineRepository,
        ToolDriftDetector,
        OAuthCredentialsRefresher,
        HealthCheckRepository,
        McpServerClaimRepository,
        HealthCheckConfigurationRepository,
        HealthMetrics,
        ProbeRunner,
        ServerProbeService,
        HealthCheckerService,
      ],
    };
  }
}
