import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { dialectOf } from '../dialect';

/**
 * Marks the organization's registry as changed. Call it after the write it covers, in the same
 * transaction: a reader that sees the new revision then also sees the write, and a reader that
 * saw the write under the old revision renders again once the bump lands.
 */
export async function bumpRegistryRevision(
  manager: EntityManager,
  organizationId: string,
): Promise<void> {
  const upsert =
    dialectOf(manager.connection.options.type) === 'mysql'
      ? 'INSERT INTO registry_revisions (organization_id, revision) VALUES (?, 1)' +
        ' ON DUPLICATE KEY UPDATE revision = revision + 1'
      : 'INSERT INTO registry_revisions (organization_id, revision) VALUES (?, 1)' +
        ' ON CONFLICT (organization_id) DO UPDATE SET revision = revision + 1';
  await manager.query(upsert, [organizationId]);
}

/** Reads the per-organization registry revision (see bumpRegistryRevision). */
@Injectable()
export class RegistryRevisionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The organization's current revision; 0 before its first registry write. */
  async current(organizationId: string): Promise<number> {
    const rows: { revision: unknown }[] = await this.dataSource.query(
      'SELECT revision FROM registry_revisions WHERE organization_id = ?',
      [organizationId],
    );
    return rows.length > 0 ? Number(rows[0].revision) : 0;
  }
}
