import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/core';
import { isPlatformAdmin, Principal } from '@app/auth';
import { HealthCheckRepository, McpHealthSummary, McpServerRepository } from '@app/dal';
import { healthScope } from './health-scope';

const UNHEALTHY_LISTED = 500;

/** The organization's health at a glance, for dashboards and CI gates. */
@Injectable()
export class McpHealthSummaryService {
  constructor(
    private readonly health: HealthCheckRepository,
    private readonly servers: McpServerRepository,
  ) {}

  async summary(
    principal: Principal,
    organizationId: string | undefined,
  ): Promise<McpHealthSummary> {
    const scope = healthScope(principal, organizationId);
    if (
      isPlatformAdmin(principal) &&
      organizationId !== undefined &&
      !(await this.servers.organizationExists(organizationId))
    ) {
      throw new NotFoundError('Organization');
    }
    return this.health.summary(scope, UNHEALTHY_LISTED);
  }
}
