import { Injectable, Logger } from '@nestjs/common';
import { ForbiddenError, NotFoundError } from '@app/core';
import type { OneOrganization } from '@app/core';
import type { Principal } from '@app/auth';
import { SecretBox, SecretDecryptionError, UnknownEncryptionKeyError } from '@app/crypto';
import {
  DiscoveredTool,
  HealthCheckConfigurationRepository,
  McpConfigurationEntity,
  McpConfigurationRepository,
  McpConfigurationTestOutcome,
  UnitOfWork,
} from '@app/dal';
import { EventOutbox } from '@app/events';
import {
  configurationOutcomeOf,
  notProbed,
  OAuthCredentialsRefresher,
  ProbeRunner,
} from '@app/health-checker';
import { credentialHeaders, ProbeResult } from '@app/mcp-probe';
import { configurationEvent } from './configuration-events';
import { configurationCredentialsAad } from './configuration-secrets';
import { McpConfigurationsService } from './mcp-configurations.service';

export interface ConfigurationTestReport {
  configuration: McpConfigurationEntity;
  result: ProbeResult;
}

/**
 * Connection tests of custom MCP configurations (a real probe through libs/health-checker) and
 * their discovered tools. Lookups go through the configurations service, so visibility is exactly
 * the module's own (another organization's configuration is a 404).
 */
@Injectable()
export class ConfigurationProbeService {
  private readonly logger = new Logger(ConfigurationProbeService.name);

  constructor(
    private readonly configurations: McpConfigurationsService,
    private readonly tests: HealthCheckConfigurationRepository,
    private readonly runner: ProbeRunner,
    private readonly secretBox: SecretBox,
    private readonly oauth: OAuthCredentialsRefresher,
    private readonly rows: McpConfigurationRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly outbox: EventOutbox,
  ) {}

  async test(principal: Principal, id: string): Promise<ConfigurationTestReport> {
    const { row, owner } = await this.configurations.getOwned(principal, id);
    assertMayTest(principal, row);
    const result = await this.probe(row, owner);
    const outcome = configurationOutcomeOf(result, new Date());
    const configuration = await this.record(owner, row.id, outcome);
    if (!configuration) throw new NotFoundError('MCP configuration');
    return { configuration, result };
  }

  /**
   * Stores a test's result on the configuration as it is now (locked), with
   * `mcp_configuration.connection_changed` in the same transaction when the connection status
   * moved; null when the configuration is gone.
   */
  private async record(
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

  /** The last discovered tools, limited to allowed_tools when the tool configuration is enabled. */
  async tools(
    principal: Principal,
    id: string,
  ): Promise<{ configuration: McpConfigurationEntity; tools: DiscoveredTool[] }> {
    const configuration = await this.configurations.get(principal, id);
    const discovered = configuration.discoveredTools ?? [];
    const { enabled, allowed_tools } = configuration.toolConfiguration;
    if (!enabled) return { configuration, tools: discovered };
    const allowed = new Set(allowed_tools);
    return { configuration, tools: discovered.filter((tool) => allowed.has(tool.name)) };
  }

  private async probe(row: McpConfigurationEntity, owner: OneOrganization): Promise<ProbeResult> {
    let credentials: Record<string, unknown> | null = null;
    if (row.credentialsSealed !== null) {
      try {
        credentials = this.secretBox.openJson<Record<string, unknown>>(
          row.credentialsSealed,
          configurationCredentialsAad(row.id, row.organizationId),
        );
      } catch (error) {
        // An unknown key is a rollout in progress, not a broken value: 503, nothing recorded.
        if (
          !(error instanceof SecretDecryptionError) ||
          error instanceof UnknownEncryptionKeyError
        ) {
          throw error;
        }
        this.logger.error(
          { configuration_id: row.id, reason: error.reason, key_id: error.keyId },
          `Stored credentials of MCP configuration ${row.id} could not be decrypted (${error.reason}); not tested`,
        );
        return notProbed(
          'the stored credentials could not be decrypted; the connection was not tested',
        );
      }
    }
    const target = { transport: row.transportType, url: row.serverUrl };
    if (row.authType === 'oauth' && credentials !== null && row.credentialsSealed !== null) {
      // The same renewing OAuth credentials as registry servers (refresh, client_credentials).
      const oauth = this.oauth.credentialsFor(
        {
          ref: { kind: 'mcp_configuration', scope: owner, id: row.id },
          aad: configurationCredentialsAad(row.id, row.organizationId),
          sealed: row.credentialsSealed,
          credentials,
        },
        'configuration_test',
      );
      return this.runner.probe({ ...target, credentials: oauth }, 'configuration_test', (result) =>
        oauth.verdictOf(result),
      );
    }
    return this.runner.probe(
      { ...target, headers: credentialHeaders(row.authType, credentials) },
      'configuration_test',
    );
  }
}

/**
 * A test records its result on the configuration, so it follows the module's write rule for
 * members (their own configurations only); admins and service keys may test any in their scope.
 */
function assertMayTest(principal: Principal, row: McpConfigurationEntity): void {
  if (principal.role !== 'member') return;
  if (principal.userId !== null && row.userId === principal.userId) return;
  throw new ForbiddenError('Only the creator of this configuration or an org admin may test it');
}
