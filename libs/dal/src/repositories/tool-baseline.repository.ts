import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { newId } from '@app/core';
import type { OneOrganization, OrganizationScope } from '@app/core';
import { lockRowForWrite } from '../dialect';
import { NO_DRIFT } from '../entities/tool-drift';
import { ToolSnapshotEntity } from '../entities/tool-snapshot.entity';
import { utcDate } from '../entities/timestamp.transformer';
import { appendAuditEvent } from './audit-event.repository';
import { scopeCondition } from './organization-scope';
import { bumpRegistryRevision } from './registry-revision.repository';
import { OWNER_TABLES } from './owner-tables';
import { managerOf, Transaction } from '../unit-of-work/transaction';
import type {
  DriftedServer,
  NewBaseline,
  ToolObservationColumns,
  ToolDriftState,
  ToolOwner,
  ToolSet,
} from './tool-baseline.types';

export * from './tool-baseline.types';

/** Every property of a snapshot but the tools' definitions. */
const INDEX_PROPERTIES: (keyof ToolSnapshotEntity)[] = [
  'organizationId',
  'resourceType',
  'resourceId',
  'baselineFingerprint',
  'baselineIndex',
  'baselineSource',
  'baselineApprovedAt',
  'baselineApprovedBy',
  'observedFingerprint',
  'observedIndex',
  'observedAt',
];

type RawRow = Record<string, unknown>;

/**
 * Forgets the tool snapshot of an owner being deleted (in the delete's transaction): a new server
 * reusing the id starts without a baseline.
 */
export async function deleteToolSnapshot(
  manager: EntityManager,
  scope: OneOrganization,
  owner: ToolOwner,
): Promise<void> {
  await manager.getRepository(ToolSnapshotEntity).delete({
    organizationId: scope.organizationId,
    resourceType: owner.kind,
    resourceId: owner.id,
  });
}

/**
 * Tool baselines and observations (`tool_snapshots`) and the drift columns of their owners'
 * rows. Writers lock the owner's row first (`lockOwner`), so an observation and an approval of
 * one server take turns on every replica, and write the drift only while the fingerprint they
 * read is still stored (compare-and-set): two replicas that see the same change write it once.
 */
@Injectable()
export class ToolBaselineRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Locks the owner's row for the rest of `tx` and reads its drift state; null when gone. */
  async lockOwner(
    scope: OneOrganization,
    owner: ToolOwner,
    tx: Transaction,
  ): Promise<ToolDriftState | null> {
    const manager = managerOf(tx, this.dataSource);
    const { table, idColumn, live } = OWNER_TABLES[owner.kind];
    await lockRowForWrite(
      manager,
      table,
      `${idColumn} = ? AND organization_id = ?${live}`,
      [owner.id, scope.organizationId],
      'version',
    );
    return this.driftState(scope, owner, tx);
  }

  async driftState(
    scope: OneOrganization,
    owner: ToolOwner,
    tx?: Transaction,
  ): Promise<ToolDriftState | null> {
    const { table, idColumn, live } = OWNER_TABLES[owner.kind];
    const rows: RawRow[] = await managerOf(tx, this.dataSource).query(
      `SELECT version, tools_fingerprint, tools_digest, tools_drift, drift_detected_at FROM ${table}` +
        ` WHERE ${idColumn} = ? AND organization_id = ?${live}`,
      [owner.id, scope.organizationId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      version: Number(row.version),
      toolsFingerprint: (row.tools_fingerprint as string | null) ?? null,
      toolsDigest: (row.tools_digest as string | null) ?? null,
      toolsDrift: (row.tools_drift as string | null) ?? null,
      driftDetectedAt: toDate(row.drift_detected_at),
    };
  }

  /**
   * The owner's snapshot: with `definitions`, every tool whole (a review, an approval); without,
   * only the names and fingerprints (serving allowed tools). Null before its first observation.
   */
  async snapshot(
    scope: OneOrganization,
    owner: ToolOwner,
    options: { definitions: boolean },
    tx?: Transaction,
  ): Promise<ToolSnapshotEntity | null> {
    const query = managerOf(tx, this.dataSource)
      .getRepository(ToolSnapshotEntity)
      .createQueryBuilder('t')
      .where('t.organization_id = :organizationId AND t.resource_type = :kind', {
        organizationId: scope.organizationId,
        kind: owner.kind,
      })
      .andWhere('t.resource_id = :id', { id: owner.id });
    if (!options.definitions) query.select(INDEX_PROPERTIES.map((property) => `t.${property}`));
    return query.getOne();
  }

  /**
   * Sets the owner's drift columns (and bumps its version: what the ETag and If-Match see)
   * only while its stored fingerprint is still `expected`; false when another write got there.
   */
  async writeDrift(
    scope: OneOrganization,
    owner: ToolOwner,
    expected: string | null,
    next: ToolObservationColumns,
    tx: Transaction,
  ): Promise<boolean> {
    const manager = managerOf(tx, this.dataSource);
    const { entity, idColumn, live } = OWNER_TABLES[owner.kind];
    const result = await manager
      .createQueryBuilder()
      .update(entity)
      .set({ ...next, version: () => 'version + 1' })
      .where(`${idColumn} = :id AND organization_id = :organizationId${live}`, {
        id: owner.id,
        organizationId: scope.organizationId,
      })
      .andWhere(expected === null ? 'tools_fingerprint IS NULL' : 'tools_fingerprint = :expected', {
        expected,
      })
      .execute();
    const written = (result.affected ?? 0) > 0;
    if (written && owner.kind === 'mcp_server') await bumpRegistryRevision(manager, scope);
    return written;
  }

  /**
   * Records that another listing (the same tools in other bytes: keys reordered, say) has the
   * stored fingerprint, while it is still stored. Nothing a reader sees changes: no version bump.
   */
  async writeDigest(
    scope: OneOrganization,
    owner: ToolOwner,
    fingerprint: string,
    digest: string,
    tx?: Transaction,
  ): Promise<void> {
    const { entity, idColumn, live } = OWNER_TABLES[owner.kind];
    await managerOf(tx, this.dataSource)
      .createQueryBuilder()
      .update(entity)
      .set({ toolsDigest: digest })
      .where(`${idColumn} = :id AND organization_id = :organizationId${live}`, {
        id: owner.id,
        organizationId: scope.organizationId,
      })
      .andWhere('tools_fingerprint = :fingerprint', { fingerprint })
      .execute();
  }

  /** Stores the latest observation (and a first baseline with it, when given). */
  async saveObservation(
    scope: OneOrganization,
    owner: ToolOwner,
    observed: ToolSet,
    observedAt: Date,
    baseline: NewBaseline | null,
    tx: Transaction,
  ): Promise<void> {
    const repository = managerOf(tx, this.dataSource).getRepository(ToolSnapshotEntity);
    const key = {
      organizationId: scope.organizationId,
      resourceType: owner.kind,
      resourceId: owner.id,
    };
    const observation = {
      observedFingerprint: observed.fingerprint,
      observedTools: observed.tools,
      observedIndex: observed.index,
      observedAt,
    };
    const columns = { ...observation, ...(baseline ? baselineColumns(baseline) : {}) };
    const updated = await repository.update(key, asColumns(columns));
    if ((updated.affected ?? 0) > 0) return;
    const row: ToolSnapshotEntity = {
      ...key,
      ...baselineColumns(baseline),
      ...observation,
    };
    await repository.insert(asColumns(row));
  }

  /** Replaces the baseline of an owner whose snapshot exists; false when there is none. */
  async saveBaseline(
    scope: OneOrganization,
    owner: ToolOwner,
    baseline: NewBaseline,
    tx: Transaction,
  ): Promise<boolean> {
    const updated = await managerOf(tx, this.dataSource)
      .getRepository(ToolSnapshotEntity)
      .update(
        { organizationId: scope.organizationId, resourceType: owner.kind, resourceId: owner.id },
        asColumns(baselineColumns(baseline)),
      );
    return (updated.affected ?? 0) > 0;
  }

  /** Appends an audit event the system (not a key) records, in `tx`. */
  async recordSystemEvent(
    scope: OneOrganization,
    owner: ToolOwner,
    action: string,
    changes: Record<string, unknown>,
    tx: Transaction,
  ): Promise<void> {
    await appendAuditEvent(managerOf(tx, this.dataSource), {
      id: newId('evt'),
      organizationId: scope.organizationId,
      actorKeyId: null,
      actorUserId: null,
      action,
      resourceType: owner.kind,
      resourceId: owner.id,
      requestId: null,
      changes,
      createdAt: new Date(),
    });
  }

  /** Servers with checks enabled whose tools drifted, by name (at most `limit`). */
  async driftedServers(scope: OrganizationScope, limit: number): Promise<DriftedServer[]> {
    const inScope = scopeCondition(scope, 's.organization_id');
    const rows: RawRow[] = await this.dataSource.query(
      'SELECT s.server_id, s.organization_id, s.server_name, s.tools_drift, s.drift_detected_at' +
        ` FROM mcp_servers s WHERE ${inScope.sql} AND s.health_check_enabled = 1` +
        ` AND s.tools_drift IS NOT NULL AND s.tools_drift <> '${NO_DRIFT}'` +
        ' ORDER BY s.server_name, s.server_id, s.organization_id LIMIT ?',
      [...inScope.params, limit],
    );
    return rows.map((row) => ({
      serverId: String(row.server_id),
      organizationId: String(row.organization_id),
      serverName: String(row.server_name),
      toolsDrift: String(row.tools_drift),
      driftDetectedAt: toDate(row.drift_detected_at),
    }));
  }
}

type BaselineColumns = Pick<
  ToolSnapshotEntity,
  | 'baselineFingerprint'
  | 'baselineTools'
  | 'baselineIndex'
  | 'baselineSource'
  | 'baselineApprovedAt'
  | 'baselineApprovedBy'
>;

function baselineColumns(baseline: NewBaseline | null): BaselineColumns {
  return {
    baselineFingerprint: baseline?.tools.fingerprint ?? null,
    baselineTools: baseline?.tools.tools ?? null,
    baselineIndex: baseline?.tools.index ?? null,
    baselineSource: baseline?.source ?? null,
    baselineApprovedAt: baseline?.approvedAt ?? null,
    baselineApprovedBy: baseline?.approvedBy ?? null,
  };
}

/** TypeORM's deep-partial type cannot express the JSON documents of unknowns (as for audit). */
function asColumns(
  columns: Partial<ToolSnapshotEntity>,
): QueryDeepPartialEntity<ToolSnapshotEntity> {
  return columns as QueryDeepPartialEntity<ToolSnapshotEntity>;
}

function toDate(value: unknown): Date | null {
  return utcDate.from(value as string | Date | null) as Date | null;
}
