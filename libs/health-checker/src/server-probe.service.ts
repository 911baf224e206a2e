import { Injectable, Logger } from '@nestjs/common';
import { allOrganizations, organizationOfRow, systemPrincipal } from '@app/core';
import { SecretBox } from '@app/crypto';
import type { SecretAad } from '@app/crypto';
import { McpServerProbeTarget, SEALED_RESOURCE_TYPES } from '@app/dal';
import { credentialHeaders, ProbeResult, ProbeTarget } from '@app/mcp-probe';
import { ProbeSource } from './health-metrics';
import { OAuthCredentialsRefresher } from './oauth/oauth-credentials.refresher';
import type { OAuthProbeCredentials } from './oauth/oauth-probe-credentials';
import { ToolDriftDetector } from './drift/tool-drift.detector';
import { notProbedIfUndecryptable, toolsStillFresh } from './probe-outcome';
import { ProbeRunner } from './probe-runner';

const ENV_RESOURCE = SEALED_RESOURCE_TYPES.serverEnv;
const CREDENTIALS_RESOURCE = SEALED_RESOURCE_TYPES.serverCredentials;
/** Refreshed tokens are written back by the checker acting as the system, whoever probed. */
const EVERY_ORGANIZATION = allOrganizations(systemPrincipal('health-checker'));

/**
 * Probes a registry server with its own transport and secrets: http(s) servers get their stored
 * credentials as headers, stdio servers their stored env. Decrypted values live only for the
 * probe and are never logged.
 */
@Injectable()
export class ServerProbeService {
  private readonly logger = new Logger(ServerProbeService.name);

  constructor(
    private readonly runner: ProbeRunner,
    private readonly secretBox: SecretBox,
    private readonly oauth: OAuthCredentialsRefresher,
    private readonly drift: ToolDriftDetector,
  ) {}

  async probe(server: McpServerProbeTarget, source: ProbeSource): Promise<ProbeResult> {
    let target: ProbeTarget;
    let oauth: OAuthProbeCredentials | null = null;
    try {
      target = this.targetOf(server);
      oauth = this.oauthOf(server, target, source);
      // Caching hints only ever spare the background: a probe someone asked for lists anew.
      target.knownTools = this.drift.knownListing(server);
      if (source === 'checker' && toolsStillFresh(server, new Date())) {
        target.toolsStillFresh = true;
      }
    } catch (error) {
      return notProbedIfUndecryptable(
        error,
        (failure) =>
          this.logger.error(
            { server_id: server.serverId, reason: failure.reason, key_id: failure.keyId },
            `Stored secrets of MCP server ${server.serverId} could not be decrypted (${failure.reason}); not probed`,
          ),
        'the stored secrets of this server could not be decrypted; it was not probed',
      );
    }
    if (!oauth) return this.runner.probe(target, source);
    const credentials = oauth;
    return this.runner.probe({ ...target, headers: undefined, credentials }, source, (result) =>
      credentials.verdictOf(result),
    );
  }

  /** OAuth credentials of a network server renew themselves (see OAuthCredentialsRefresher). */
  private oauthOf(
    server: McpServerProbeTarget,
    target: ProbeTarget,
    source: ProbeSource,
  ): OAuthProbeCredentials | null {
    if (server.authType !== 'oauth' || target.transport === 'stdio' || !server.credentialsSealed) {
      return null;
    }
    const aadOf = aad(CREDENTIALS_RESOURCE, server);
    return this.oauth.credentialsFor(
      {
        ref: {
          kind: 'mcp_server',
          scope: organizationOfRow(EVERY_ORGANIZATION, server),
          id: server.serverId,
        },
        aad: aadOf,
        sealed: server.credentialsSealed,
        credentials: this.secretBox.openJson<Record<string, unknown>>(
          server.credentialsSealed,
          aadOf,
        ),
      },
      source,
    );
  }

  private targetOf(server: McpServerProbeTarget): ProbeTarget {
    if (server.transport === 'stdio') {
      return {
        transport: 'stdio',
        command: server.command ?? undefined,
        args: server.args,
        env: server.envSealed
          ? this.secretBox.openJson<Record<string, string>>(
              server.envSealed,
              aad(ENV_RESOURCE, server),
            )
          : {},
      };
    }
    const credentials = server.credentialsSealed
      ? this.secretBox.openJson<Record<string, unknown>>(
          server.credentialsSealed,
          aad(CREDENTIALS_RESOURCE, server),
        )
      : null;
    return {
      transport: server.transport,
      url: server.url ?? undefined,
      headers: credentialHeaders(server.authType, credentials),
      specVersion: server.specVersion,
    };
  }
}

function aad(resourceType: string, server: McpServerProbeTarget): SecretAad {
  return { resourceType, resourceId: server.serverId, organizationId: server.organizationId };
}
