import { Injectable } from '@nestjs/common';
import { OneOrganization, registryNamespaceOf } from '@app/core';
import {
  McpServerVersionWriteRepository,
  OrganizationRepository,
  Transaction,
  versionColumnsOf,
} from '@app/dal';
import type { ServerInput } from './server-input.normalizer';
import type { ServerSecretValues } from './server-secrets';

/**
 * What the registry's writes leave in the official registry API (`/v0.1`), in their own
 * transaction: the server's current version after a create or a replace, and tombstones after a
 * delete. Every write of a server goes through here, so the catalog never disagrees with the
 * registry (McpServerVersionWriteRepository holds the row rules).
 */
@Injectable()
export class ServerCatalog {
  constructor(
    private readonly versions: McpServerVersionWriteRepository,
    private readonly organizations: OrganizationRepository,
  ) {}

  async recordCurrent(
    scope: OneOrganization,
    serverId: string,
    input: ServerInput,
    serverVersion: string,
    secrets: ServerSecretValues,
    now: Date,
    tx: Transaction,
  ): Promise<void> {
    const organization = await this.organizations.findById(scope.organizationId, tx);
    if (!organization) throw new Error(`Organization ${scope.organizationId} vanished mid-write`);
    const credentials = secrets.credentials;
    const columns = versionColumnsOf({
      ...input,
      serverId,
      serverVersion,
      // The header's name only: the key itself stays sealed on the server.
      credentialHeader:
        credentials?.type === 'api_key' && typeof credentials.header_name === 'string'
          ? credentials.header_name
          : null,
      envKeys: Object.keys(secrets.env),
    });
    await this.versions.writeCurrent(scope, registryNamespaceOf(organization), columns, now, tx);
  }

  /** A deleted server stays listed as deleted, for readers that sync with `updated_since`. */
  async recordDeleted(
    scope: OneOrganization,
    serverId: string,
    now: Date,
    tx: Transaction,
  ): Promise<void> {
    await this.versions.tombstone(scope, serverId, now, tx);
  }
}
