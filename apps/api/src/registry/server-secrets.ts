import { Injectable } from '@nestjs/common';
import type { OneOrganization } from '@app/core';
import { SecretAad, SecretBox } from '@app/crypto';
import { McpServerChanges, McpServerEntity, SEALED_RESOURCE_TYPES } from '@app/dal';
import { assertSecretsStayWithDestination } from '../shared/secret-destination';
import { containsMask, maskedFields, restoreMasked, serverSecretDestination } from './secret-mask';
import { CheckedCredentials, credentialFieldNames } from '../shared/credentials/credentials.schema';
import type { ServerInput } from './server-input.normalizer';

/** A server's secrets in clear, as the request sent them with every mask resolved. */
export interface ServerSecretValues {
  env: Record<string, string>;
  credentials: CheckedCredentials | null;
}

export type SealedServerColumns = Pick<
  McpServerChanges,
  'envKeys' | 'envSealed' | 'credentialKeys' | 'credentialsSealed'
>;

/**
 * The secrets of a registry server: env values and credentials, sealed to their row (a value
 * copied to another server or organization does not open), opened only to resolve the masks a
 * client sends back, and kept with their destination.
 */
@Injectable()
export class ServerSecrets {
  constructor(private readonly secretBox: SecretBox) {}

  /** A new server's secrets: nothing is stored yet, so a mask stands for nothing (400). */
  forCreate(input: ServerInput): ServerSecretValues {
    return {
      env: restoreMasked(input.env, null, 'env'),
      credentials: input.credentials && restoreMasked(input.credentials, null, 'credentials'),
    };
  }

  /**
   * A replace's secrets: a value sent as the mask keeps the stored one, unless the server's
   * destination (url origin, transport, command, auth type) changes, when it must be sent again.
   */
  forReplace(current: McpServerEntity, input: ServerInput): ServerSecretValues {
    assertSecretsStayWithDestination(
      serverSecretDestination(current),
      serverSecretDestination(input),
      [...maskedFields(input.env, 'env'), ...maskedFields(input.credentials, 'credentials')],
    );
    const env = restoreMasked(
      input.env,
      containsMask(input.env) ? this.open<Record<string, string>>(current, 'env') : null,
      'env',
    );
    const credentials =
      input.credentials &&
      restoreMasked(
        input.credentials,
        containsMask(input.credentials) ? this.open(current, 'credentials') : null,
        'credentials',
      );
    return { env, credentials };
  }

  /** The row's columns for `values`: key names in clear beside the sealed values. */
  sealedColumns(
    scope: OneOrganization,
    serverId: string,
    values: ServerSecretValues,
  ): SealedServerColumns {
    const { env, credentials } = values;
    const envKeys = Object.keys(env);
    const where = { serverId, organizationId: scope.organizationId };
    return {
      envKeys,
      envSealed: envKeys.length > 0 ? this.secretBox.sealJson(env, aad(where, 'env')) : null,
      credentialKeys: credentials ? credentialFieldNames(credentials) : null,
      credentialsSealed: credentials
        ? this.secretBox.sealJson(credentials, aad(where, 'credentials'))
        : null,
    };
  }

  private open<T extends Record<string, unknown>>(
    server: McpServerEntity,
    which: 'env' | 'credentials',
  ): T | null {
    const sealed = which === 'env' ? server.envSealed : server.credentialsSealed;
    return sealed === null ? null : this.secretBox.openJson<T>(sealed, aad(server, which));
  }
}

function aad(
  server: { serverId: string; organizationId: string },
  which: 'env' | 'credentials',
): SecretAad {
  return {
    resourceType:
      which === 'env' ? SEALED_RESOURCE_TYPES.serverEnv : SEALED_RESOURCE_TYPES.serverCredentials,
    resourceId: server.serverId,
    organizationId: server.organizationId,
  };
}
