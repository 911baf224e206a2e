import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { randomInt } from 'node:crypto';
import type { OneOrganization } from '@app/core';
import { insertOrIncrement } from '../dialect';

/**
 * Rows the counter is spread over. Every committed bump adds one to some row, so the sum counts
 * committed bumps; commits only accumulate, so an unchanged sum means no write committed since.
 */
const REVISION_SHARDS = 16;

/**
 * Marks the organization's registry as changed. Call it after the write it covers, in the same
 * transaction: a reader that sees the new revision then also sees the write, and a reader that
 * saw the write under the old revision renders again once the bump lands.
 */
export async function bumpRegistryRevision(
  manager: EntityManager,
  scope: OneOrganization,
): Promise<void> {
  await insertOrIncrement(
    manager,
    'registry_revisions',
    { organization_id: scope.organizationId, shard: randomInt(REVISION_SHARDS) },
    'revision',
  );
}

/** Reads the per-organization registry revision (see bumpRegistryRevision). */
@Injectable()
export class RegistryRevisionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The organization's current revision; 0 before its first registry write. */
  async current(scope: OneOrganization): Promise<number> {
    const rows: { revision: unknown }[] = await this.dataSource.query(
      'SELECT COALESCE(SUM(revision), 0) AS revision FROM registry_revisions' +
        ' WHERE organization_id = ?',
      [scope.organizationId],
    );
    return Number(rows[0]?.revision ?? 0);
  }
}
