import { Injectable } from '@nestjs/common';
import type { OneOrganization } from '@app/core';
import {
  HealthCheckConfigurationRepository,
  McpConfigurationEntity,
  McpConfigurationRepository,
  McpConfigurationTestOutcome,
  UnitOfWork,
} from '@app/dal';
import { EventOutbox } from '@app/events';
import { configurationEvent } from './configuration-events';

/**
 * Stores a connection test's result on the configuration as it is now (its row locked), with
 * `mcp_configuration.connection_changed` in the same transaction when the connection status
 * moved (never for a test that confirms it).
 */
@Injectable()
export class ConfigurationTestRecorder {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly rows: McpConfigurationRepository,
    private readonly tests: HealthCheckConfigurationRepository,
    private readonly outbox: EventOutbox,
  ) {}

  /** The configuration as the test left it; null when it is gone. */
  async record(
    owner: OneOrganization,
    id: string,
    outcome: McpConfigurationTestOutcome,
  ): Promise<McpConfigurationEntity | null> {
    return this.unitOfWork.run(async (tx) => {
      const current = await this.rows.findForWrite(owner, id, tx);
      if (!current || !(await this.tests.recordTest(owner, id, outcome))) return null;
      const tested: McpConfigurationEntity = {
        ...current,
        connectionStatus: outcome.connectionStatus,
        errorMessage: outcome.errorMessage,
        latencyMs: outcome.latencyMs,
        lastConnectedAt: outcome.lastConnectedAt ?? current.lastConnectedAt,
      };
      if (current.connectionStatus !== outcome.connectionStatus) {
        await this.outbox.append(
          tx,
          owner,
          configurationEvent('mcp_configuration.connection_changed', tested),
        );
      }
      return tested;
    });
  }
}
