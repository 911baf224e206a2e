import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { OneOrganization } from '@app/core';
import { McpConfigurationEntity, McpConnectionStatus } from '../entities/mcp-configuration.entity';
import type { DiscoveredTool } from '../entities/mcp-server.entity';
import { managerOf } from '../unit-of-work/transaction';
import { UnitOfWork } from '../unit-of-work/unit-of-work';

/** What a connection test of a custom configuration found, as its columns store it. */
export interface McpConfigurationTestOutcome {
  connectionStatus: McpConnectionStatus;
  errorMessage: string | null;
  latencyMs: number | null;
  /** Set on success only: a failed test keeps the last known connection time and tools. */
  lastConnectedAt?: Date;
  tools?: DiscoveredTool[];
}

/**
 * Connection-test results of custom MCP configurations. Only these columns are written, so a
 * concurrent edit of the configuration (or a key rotation) is never overwritten, and neither its
 * `updated_at` moves: a test is an observation, not a change.
 */
@Injectable()
export class HealthCheckConfigurationRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** False when the configuration is gone (deleted meanwhile). */
  async recordTest(
    scope: OneOrganization,
    id: string,
    outcome: McpConfigurationTestOutcome,
  ): Promise<boolean> {
    const set: Partial<McpConfigurationEntity> = {
      connectionStatus: outcome.connectionStatus,
      errorMessage: outcome.errorMessage,
      latencyMs: outcome.latencyMs,
    };
    if (outcome.lastConnectedAt) set.lastConnectedAt = outcome.lastConnectedAt;
    if (outcome.tools) set.discoveredTools = outcome.tools;
    return this.unitOfWork.run({ atomic: false }, async (tx) => {
      const manager = managerOf(tx, this.dataSource);
      const result = await manager
        .createQueryBuilder()
        .update(McpConfigurationEntity)
        .set(set)
        .where('id = :id AND organization_id = :organizationId AND deleted_at IS NULL', {
          id,
          organizationId: scope.organizationId,
        })
        .execute();
      return (result.affected ?? 0) > 0;
    });
  }
}
