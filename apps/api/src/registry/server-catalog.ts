import { Injectable } from '@nestjs/common';
import type { OneOrganization } from '@app/core';
import { McpServerVersionWriteRepository, Transaction, versionColumnsOf } from '@app/dal';
import type { VersionedInput } from './server-input.normalizer';
import type { ServerSecretValues } from './server-secrets';

/** A server as a create (`newServer`) or a replace just wrote it. */
export interface CatalogWrite {
  scope: OneOrganization;
  serverId: string;
  input: VersionedInput;
  secrets: ServerSecretValues;
  now: Date;
  newServer: boolean;
}

/**
 * What the registry's writes leave in the official registry API (`/v0.1`), in their own
 * transaction: the server's current version after a create or a replace, and tombstones after a
 * delete. Every write of a server goes through here, so the catalog never disagrees with the
 * registry (McpServerVersionWriteRepository holds the row rules).
 */
@Injectable()
export class ServerCatalog {
  constructor(private readonly versions: McpServerVersionWriteRepository) {}

  async recordCurrent(write: CatalogWrite, tx: Transaction): Promise<void> {
    const { scope, serverId, input, secrets } = write;
    const credentials = secrets.credentials;
    const columns = versionColumnsOf({
      ...input,
      serverId,
      // The header's name only: the key itself stays sealed on the server.
      credentialHeader:
        credentials?.type === 'api_key' && typeof credentials.header_name === 'string'
          ? credentials.header_name
          : null,
      envKeys: Object.keys(secrets.env),
    });
    await this.versions.writeCurrent(scope, columns, write.now, tx, {
      newServer: write.newServer,
    });
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
