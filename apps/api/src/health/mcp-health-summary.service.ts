import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/core';
import { isPlatformAdmin, Principal } from '@app/auth';
import { HealthCheckRepository, McpHealthSummary, OrganizationRepository } from '@app/dal';
import { healthScope } from './health-scope';

const UNHEALTHY_LISTED = 500;

/** The organization's health at a glance, for dashboards and CI gates. */
@Injectable()
export class McpHealthSummaryService {
  constructor(
    private readonly health: HealthCheckRepository,
    private readonly organizations: OrganizationRepository,
  ) {}

  async summary(
    principal: Principal,
    organizationId: string | undefined,
  ): Promise<McpHealthSummary> {
    const scope = healthScope(principal, organizationId);
    if (
      isPlatformAdmin(principal) &&
      organizationId !== undefined &&
      !(await this.organizations.exists(organizationId))
    ) {
      throw new NotFoundError('Organization');
    }
    return this.health.summary(scope, UNHEALTHY_LISTED);
  }
}
