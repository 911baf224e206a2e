import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { OneOrganization } from '@app/core';
import { McpServerVersionEntity } from '../../entities/mcp-server-version.entity';
import { managerOf, Transaction } from '../../unit-of-work/transaction';
import type { VersionColumns } from './version-row';

type RowKey = Pick<McpServerVersionEntity, 'organizationId' | 'aliasKey' | 'version'>;

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
    namespace: string,
    columns: VersionColumns,
    now: Date,
    tx: Transaction,
  ): Promise<void> {
    const repository = this.rows(tx);
    const { organizationId } = scope;
    const { serverId, aliasKey, version } = columns;
    // One read for both: the server's rows (any name) and the name's rows (any server).
    const rows = await repository.find({
      where: [
        { organizationId, serverId },
        { organizationId, aliasKey },
      ],
    });
    const ofServer = rows.filter((row) => row.serverId === serverId);
    const ofName = rows.filter((row) => row.aliasKey === aliasKey);
    for (const row of ofServer) {
      if (row.status !== 'active' || row.version === version) continue;
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
    if (existing) await update(repository, existing, row);
    else await repository.insert(row);
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
