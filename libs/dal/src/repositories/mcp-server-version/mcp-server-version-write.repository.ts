import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { OneOrganization, registryNamespaceOf } from '@app/core';
import {
  McpServerVersionEntity,
  McpServerVersionStatus,
} from '../../entities/mcp-server-version.entity';
import { utcDate } from '../../entities/timestamp.transformer';
import { managerOf, Transaction } from '../../unit-of-work/transaction';
import type { VersionColumns } from './version-row';

type RowKey = Pick<McpServerVersionEntity, 'organizationId' | 'aliasKey' | 'version'>;
type NameRow = RowKey &
  Pick<McpServerVersionEntity, 'serverId' | 'status' | 'isLatest' | 'publishedAt'>;
type RawRow = Record<string, unknown>;

/**
 * The official registry API's rows, written inside the registry's own writes (same transaction):
 * the one place that decides what a create, a replace, a delete and a namespace change leave in
 * the catalog. Deleting a server leaves its rows as tombstones; nothing here deletes a row.
 *
 * Rows are read first, then changed one by one by primary key: on MySQL an UPDATE over an index
 * range takes gap locks, and concurrent creates inserting into those gaps deadlock. Writers of
 * one server take turns on its mcp_servers row (and of one name on its unique alias), so what
 * is read here is what is changed.
 */
@Injectable()
export class McpServerVersionWriteRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The server's current version, as created or replaced: written in place when the name and
   * version are the ones it already has, else added as the name's latest (the previous version
   * stays as it was, no longer latest). A server whose alias changed leaves its old name's rows
   * as tombstones. The server's visibility (access groups, public catalog) is copied to all its
   * live rows.
   */
  async writeCurrent(
    scope: OneOrganization,
    columns: VersionColumns,
    now: Date,
    tx: Transaction,
    options: { newServer: boolean },
  ): Promise<void> {
    const manager = managerOf(tx, this.dataSource);
    const repository = manager.getRepository(McpServerVersionEntity);
    const { organizationId } = scope;
    const { serverId, aliasKey, version } = columns;
    const { namespace, ofName } = await this.nameRows(scope, aliasKey, tx);
    // A new server has no live rows yet (a reused id's old rows are all tombstones).
    const ofServer = options.newServer ? [] : await this.liveRowsOf(scope, serverId, tx);
    for (const row of ofServer) {
      if (row.version === version && row.aliasKey === aliasKey) continue;
      if (row.aliasKey !== aliasKey) {
        await update(repository, row, { status: 'deleted', updatedAt: now });
      } else {
        await update(repository, row, {
          accessGroups: columns.accessGroups,
          hasAccessGroups: columns.hasAccessGroups,
          catalogPublic: columns.catalogPublic,
        });
      }
    }
    for (const row of ofName) {
      if (row.isLatest && row.version !== version) {
        await update(repository, row, { isLatest: false, updatedAt: now });
      }
    }
    const existing = ofName.find((row) => row.version === version);
    const keepsPublication =
      existing !== undefined && existing.serverId === serverId && existing.status === 'active';
    const row: McpServerVersionEntity = {
      ...columns,
      organizationId,
      namespace,
      status: 'active',
      isLatest: true,
      publishedAt: keepsPublication ? existing.publishedAt : now,
      updatedAt: now,
    };
    if (existing) {
      await update(repository, existing, row);
      return;
    }
    // Every column is given, so TypeORM's read-back of defaulted columns is skipped.
    await manager
      .createQueryBuilder()
      .insert()
      .into(McpServerVersionEntity)
      .values(row)
      .updateEntity(false)
      .execute();
  }

  /** A deleted server: its rows stay, as tombstones readers of changes are told about. */
  async tombstone(
    scope: OneOrganization,
    serverId: string,
    now: Date,
    tx: Transaction,
  ): Promise<void> {
    const repository = this.rows(tx);
    const rows = await repository.find({
      where: { organizationId: scope.organizationId, serverId, status: 'active' },
    });
    for (const row of rows) await update(repository, row, { status: 'deleted', updatedAt: now });
  }

  /** The organization's names changed: every row carries the new namespace, re-dated. */
  async renameNamespace(
    scope: OneOrganization,
    namespace: string,
    now: Date,
    tx: Transaction,
  ): Promise<void> {
    await this.rows(tx).update(
      { organizationId: scope.organizationId },
      { namespace, updatedAt: now },
    );
  }

  /** The organization's namespace and every row of one name, in one indexed read. */
  private async nameRows(
    scope: OneOrganization,
    aliasKey: string,
    tx: Transaction,
  ): Promise<{ namespace: string; ofName: NameRow[] }> {
    const found: RawRow[] = await managerOf(tx, this.dataSource).query(
      'SELECT o.registry_namespace, v.alias_key, v.version, v.server_id, v.status, v.is_latest,' +
        ' v.published_at FROM organizations o LEFT JOIN mcp_server_versions v' +
        ' ON v.organization_id = o.id AND v.alias_key = ? WHERE o.id = ?',
      [aliasKey, scope.organizationId],
    );
    if (found.length === 0) throw new Error(`Organization ${scope.organizationId} is gone`);
    const namespace = registryNamespaceOf({
      id: scope.organizationId,
      registryNamespace: (found[0].registry_namespace as string | null) ?? null,
    });
    const ofName = found
      .filter((row) => row.version !== null && row.version !== undefined)
      .map((row) => ({
        organizationId: scope.organizationId as string,
        aliasKey: String(row.alias_key),
        version: String(row.version),
        serverId: String(row.server_id),
        status: row.status as McpServerVersionStatus,
        isLatest: row.is_latest === true || Number(row.is_latest) === 1,
        publishedAt: utcDate.from(row.published_at as string | Date) as Date,
      }));
    return { namespace, ofName };
  }

  /** The server's live rows (each name and version it is listed under), by its index. */
  private async liveRowsOf(
    scope: OneOrganization,
    serverId: string,
    tx: Transaction,
  ): Promise<RowKey[]> {
    return this.rows(tx).find({
      select: { organizationId: true, aliasKey: true, version: true },
      where: { organizationId: scope.organizationId, serverId, status: 'active' },
    });
  }

  private rows(tx: Transaction): Repository<McpServerVersionEntity> {
    return managerOf(tx, this.dataSource).getRepository(McpServerVersionEntity);
  }
}

/** One row by its primary key (a record lock, never a range). */
async function update(
  repository: Repository<McpServerVersionEntity>,
  row: RowKey,
  changes: Partial<McpServerVersionEntity>,
): Promise<void> {
  const { organizationId, aliasKey, version } = row;
  await repository.update({ organizationId, aliasKey, version }, changes);
}
