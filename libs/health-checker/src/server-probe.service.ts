import { Injectable, Logger } from '@nestjs/common';
import { SecretBox, SecretDecryptionError, UnknownEncryptionKeyError } from '@app/crypto';
import type { SecretAad } from '@app/crypto';
import { McpServerProbeTarget, SEALED_RESOURCE_TYPES } from '@app/dal';
import { credentialHeaders, ProbeResult, ProbeTarget } from '@app/mcp-probe';
import { ProbeSource } from './health-metrics';
import { notProbed, toolsStillFresh } from './probe-outcome';
import { ProbeRunner } from './probe-runner';

const ENV_RESOURCE = SEALED_RESOURCE_TYPES.serverEnv;
const CREDENTIALS_RESOURCE = SEALED_RESOURCE_TYPES.serverCredentials;

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
  ) {}

  async probe(server: McpServerProbeTarget, source: ProbeSource): Promise<ProbeResult> {
    let target: ProbeTarget;
    try {
      target = this.targetOf(server);
      // Caching hints only ever spare the background: a probe someone asked for lists anew.
      if (source === 'checker' && toolsStillFresh(server, new Date())) {
        target.toolsStillFresh = true;
      }
    } catch (error) {
      // An unknown key is a rollout in progress, not a broken value: the caller gets a 503 and
      // the checker leaves the server to a replica that has the key (nothing is recorded).
      if (!(error instanceof SecretDecryptionError) || error instanceof UnknownEncryptionKeyError) {
        throw error;
      }
      this.logger.error(
        { server_id: server.serverId, reason: error.reason, key_id: error.keyId },
        `Stored secrets of MCP server ${server.serverId} could not be decrypted (${error.reason}); not probed`,
      );
      return notProbed(
        'the stored secrets of this server could not be decrypted; it was not probed',
      );
    }
    return this.runner.probe(target, source);
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
