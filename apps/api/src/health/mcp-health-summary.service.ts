import { Injectable } from '@nestjs/common';
import { OrganizationScopeResolver, Principal } from '@app/auth';
import {
  DriftedServer,
  HealthCheckRepository,
  McpHealthSummary,
  ToolBaselineRepository,
} from '@app/dal';

const UNHEALTHY_LISTED = 500;
const DRIFTED_LISTED = 500;

export interface McpHealthSummaryWithDrift extends McpHealthSummary {
  driftedServers: DriftedServer[];
}

/** The organization's health at a glance, for dashboards and CI gates. */
@Injectable()
export class McpHealthSummaryService {
  constructor(
    private readonly health: HealthCheckRepository,
    private readonly baselines: ToolBaselineRepository,
    private readonly scopes: OrganizationScopeResolver,
  ) {}

  async summary(
    principal: Principal,
    organizationId: string | undefined,
    options: { ignoreAuthFailures?: boolean } = {},
  ): Promise<McpHealthSummaryWithDrift> {
    const scope = await this.scopes.listScope(principal, organizationId);
    const summary = await this.health.summary(scope, UNHEALTHY_LISTED, options);
    const driftedServers =
      summary.drifted > 0 ? await this.baselines.driftedServers(scope, DRIFTED_LISTED) : [];
    return { ...summary, driftedServers };
  }
}
