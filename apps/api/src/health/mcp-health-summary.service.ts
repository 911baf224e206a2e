import { Injectable } from '@nestjs/common';
import { OrganizationScopeResolver, Principal } from '@app/auth';
import { HealthCheckRepository, McpHealthSummary } from '@app/dal';

const UNHEALTHY_LISTED = 500;

/** The organization's health at a glance, for dashboards and CI gates. */
@Injectable()
export class McpHealthSummaryService {
  constructor(
    private readonly health: HealthCheckRepository,
    private readonly scopes: OrganizationScopeResolver,
  ) {}

  async summary(
    principal: Principal,
    organizationId: string | undefined,
    options: { ignoreAuthFailures?: boolean } = {},
  ): Promise<McpHealthSummary> {
    const scope = await this.scopes.listScope(principal, organizationId);
    return this.health.summary(scope, UNHEALTHY_LISTED, options);
  }
}
