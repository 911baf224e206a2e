import { Injectable, Logger } from '@nestjs/common';
import { ForbiddenError, NotFoundError } from '@app/core';
import type { OneOrganization } from '@app/core';
import type { Principal } from '@app/auth';
import { SecretBox } from '@app/crypto';
import { McpConfigurationEntity } from '@app/dal';
import {
  configurationOutcomeOf,
  notProbedIfUndecryptable,
  OAuthCredentialsRefresher,
  ProbeRunner,
  ToolDriftDetector,
} from '@app/health-checker';
import { credentialHeaders, ProbeResult } from '@app/mcp-probe';
import { configurationCredentialsAad } from './configuration-secrets';
import { ConfigurationTestRecorder } from './configuration-test.recorder';
import { McpConfigurationsService } from './mcp-configurations.service';
import type { IfMatch } from '../shared/http-cache';
import type { ServedTools } from '../shared/tool-baselines/served-tools';
import {
  ToolBaselinesService,
  ToolDriftView,
} from '../shared/tool-baselines/tool-baselines.service';

export interface ConfigurationTestReport {
  configuration: McpConfigurationEntity;
  result: ProbeResult;
}

export interface ConfigurationTools {
  configuration: McpConfigurationEntity;
  served: ServedTools;
}

export interface ConfigurationToolDrift extends ToolDriftView {
  configuration: McpConfigurationEntity;
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
    private readonly recorder: ConfigurationTestRecorder,
    private readonly runner: ProbeRunner,
    private readonly secretBox: SecretBox,
    private readonly oauth: OAuthCredentialsRefresher,
    private readonly detector: ToolDriftDetector,
    private readonly baselines: ToolBaselinesService,
  ) {}

  async test(principal: Principal, id: string): Promise<ConfigurationTestReport> {
    const { row, owner } = await this.configurations.getOwned(principal, id);
    assertMayTest(principal, row);
    const result = await this.probe(row, owner);
    const testedAt = new Date();
    const outcome = configurationOutcomeOf(result, testedAt);
    const tested = await this.recorder.record(owner, row.id, outcome);
    if (!tested) throw new NotFoundError('MCP configuration');
    const tools = await this.detector.observe(
      owner,
      { kind: 'mcp_configuration', id: row.id },
      result,
      testedAt,
      row,
    );
    return { configuration: { ...tested, ...(tools?.state ?? {}) }, result };
  }

  /**
   * The last discovered tools, limited to allowed_tools when the tool configuration is enabled,
   * and of those only the ones the approved baseline holds (see serveTools).
   */
  async tools(principal: Principal, id: string): Promise<ConfigurationTools> {
    const { row, owner } = await this.configurations.getOwned(principal, id);
    const { enabled, allowed_tools } = row.toolConfiguration;
    const served = await this.baselines.serve(
      owner,
      { kind: 'mcp_configuration', id: row.id },
      row.discoveredTools ?? [],
      enabled ? allowed_tools : null,
    );
    return { configuration: row, served };
  }

  async drift(principal: Principal, id: string): Promise<ConfigurationToolDrift> {
    const { row, owner } = await this.configurations.getOwned(principal, id);
    const drift = await this.baselines.drift(owner, { kind: 'mcp_configuration', id: row.id });
    return { ...drift, configuration: row };
  }

  /** Approves the observed tools as the baseline (If-Match: the configuration's ETag). */
  async approve(
    principal: Principal,
    id: string,
    ifMatch: IfMatch | undefined,
  ): Promise<ConfigurationToolDrift> {
    const { row, owner } = await this.configurations.getOwned(principal, id);
    const owned = { kind: 'mcp_configuration' as const, id: row.id };
    const drift = await this.baselines.approve(principal, owner, owned, ifMatch);
    return { ...drift, configuration: row };
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
        return notProbedIfUndecryptable(
          error,
          (failure) =>
            this.logger.error(
              { configuration_id: row.id, reason: failure.reason, key_id: failure.keyId },
              `Stored credentials of MCP configuration ${row.id} could not be decrypted (${failure.reason}); not tested`,
            ),
          'the stored credentials could not be decrypted; the connection was not tested',
        );
      }
    }
    const target = {
      transport: row.transportType,
      url: row.serverUrl,
      knownTools: this.detector.knownListing(row),
    };
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
