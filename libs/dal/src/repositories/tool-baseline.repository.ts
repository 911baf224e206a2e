import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { newId } from '@app/core';
import type { OneOrganization, OrganizationScope } from '@app/core';
import { byPrimaryKey, dialectOfConnection, sqlInstant } from '../dialect';
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

/** Runs `UPDATE <assignment>` on the unit's connection; whether a row changed. */
async function updateOwnerRow(
  manager: EntityManager,
  assignment: string,
  params: unknown[],
): Promise<boolean> {
  // A query runner's structured result carries the affected row count on both drivers.
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result: { affected?: number } = await runner.query(`UPDATE ${assignment}`, params, true);
    return (result.affected ?? 0) > 0;
  } finally {
    if (runner !== manager.queryRunner) await runner.release();
  }
}

/**
 * Forgets the tool snapshot of an owner being deleted (in the delete's transaction): a new server
 * reusing the id starts without a baseline.
 */
export async function deleteToolSnapshot(
  manager: EntityManager,
  scope: OneOrganization,
  owner: ToolOwner,
): Promise<void> {
  const key = {
    organizationId: scope.organizationId,
    resourceType: owner.kind,
    resourceId: owner.id,
  };
  const repository = manager.getRepository(ToolSnapshotEntity);
  // Read first: deleting a key that is not there would take a gap lock on MySQL, on which first
  // observations of other owners would wait (or deadlock). The owner's row is locked by the
  // delete already, so no observation of this owner can add the row meanwhile.
  if (await repository.exists({ where: key })) await repository.delete(key);
}

/**
 * Tool baselines and observations (`tool_snapshots`) and the drift columns of their owners'
 * rows. A writer reads, decides, then writes the owner's row only while it is at the version
 * (and fingerprint) it read — a compare-and-set, the transaction's first lock on that row — and
 * writes the rest only when it won: two replicas that see the same change write it once, and an
 * observation and an approval of one server never both apply to what they read. (Locking the row
 * first with SELECT … FOR UPDATE and updating it after took its locks in another order than the
 * checker's claim statements on MySQL, which could deadlock.)
 */
@Injectable()
export class ToolBaselineRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
   * Sets the owner's drift columns (and bumps its version: what the ETag and If-Match see) only
   * while it is still at `expected` (version and fingerprint); false when another write got there.
   */
  async writeDrift(
    scope: OneOrganization,
    owner: ToolOwner,
    expected: Pick<ToolDriftState, 'version' | 'toolsFingerprint'>,
    next: ToolObservationColumns,
    tx: Transaction,
  ): Promise<boolean> {
    const manager = managerOf(tx, this.dataSource);
    const { table, idColumn, live } = OWNER_TABLES[owner.kind];
    const written = await updateOwnerRow(
      manager,
      `${byPrimaryKey(dialectOfConnection(manager.connection), table)} SET tools_fingerprint = ?,` +
        ' tools_digest = ?, tools_drift = ?, drift_detected_at = ?, version = version + 1' +
        ` WHERE ${idColumn} = ? AND organization_id = ?${live} AND version = ? AND` +
        (expected.toolsFingerprint === null
          ? ' tools_fingerprint IS NULL'
          : ' tools_fingerprint = ?'),
      [
        next.toolsFingerprint,
        next.toolsDigest,
        next.toolsDrift,
        next.driftDetectedAt === null ? null : sqlInstant(next.driftDetectedAt),
        owner.id,
        scope.organizationId,
        expected.version,
        ...(expected.toolsFingerprint === null ? [] : [expected.toolsFingerprint]),
      ],
    );
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
    tx: Transaction,
  ): Promise<void> {
    const manager = managerOf(tx, this.dataSource);
    const { table, idColumn, live } = OWNER_TABLES[owner.kind];
    await updateOwnerRow(
      manager,
      `${byPrimaryKey(dialectOfConnection(manager.connection), table)} SET tools_digest = ?` +
        ` WHERE ${idColumn} = ? AND organization_id = ?${live} AND tools_fingerprint = ?`,
      [digest, owner.id, scope.organizationId, fingerprint],
    );
  }

  /**
   * Stores the latest observation (and a first baseline with it, when given), by the writer whose
   * writeDrift won. `exists` says whether the owner has a snapshot row, as it read before: an
   * UPDATE of a row that does not exist followed by its INSERT would take a gap lock on MySQL,
   * and two first observations of different owners would deadlock on each other's gap.
   */
  async saveObservation(
    scope: OneOrganization,
    owner: ToolOwner,
    observed: ToolSet,
    observedAt: Date,
    baseline: NewBaseline | null,
    exists: boolean,
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
    if (exists) {
      const columns = { ...observation, ...(baseline ? baselineColumns(baseline) : {}) };
      await repository.update(key, asColumns(columns));
      return;
    }
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
