import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Not } from 'typeorm';
import type { OneOrganization } from '@app/core';
import { McpServerVersionEntity } from '../../entities/mcp-server-version.entity';
import { managerOf, Transaction } from '../../unit-of-work/transaction';
import type { VersionColumns } from './version-row';

/**
 * The official registry API's rows, written inside the registry's own writes (same transaction):
 * the one place that decides what a create, a replace, a delete and a namespace change leave in
 * the catalog. Deleting a server leaves its rows as tombstones; nothing here deletes a row except
 * a tombstone whose name and version a live server takes over.
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
    const repository = managerOf(tx, this.dataSource).getRepository(McpServerVersionEntity);
    const { organizationId } = scope;
    const { serverId, aliasKey, version } = columns;
    await repository.update(
      { organizationId, serverId, aliasKey: Not(aliasKey), status: 'active' },
      { status: 'deleted', updatedAt: now },
    );
    await repository.update(
      { organizationId, aliasKey, version: Not(version), isLatest: true },
      { isLatest: false, updatedAt: now },
    );
    const existing = await repository.findOne({ where: { organizationId, aliasKey, version } });
    const keepsPublication =
      existing !== null && existing.serverId === serverId && existing.status === 'active';
    const row: McpServerVersionEntity = {
      ...columns,
      organizationId,
      namespace,
      status: 'active',
      isLatest: true,
      publishedAt: keepsPublication ? existing.publishedAt : now,
      updatedAt: now,
    };
    if (existing) await repository.update({ organizationId, aliasKey, version }, row);
    else await repository.insert(row);
    await repository.update(
      { organizationId, serverId, status: 'active', version: Not(version) },
      {
        accessGroups: columns.accessGroups,
        hasAccessGroups: columns.hasAccessGroups,
        catalogPublic: columns.catalogPublic,
      },
    );
  }

  /** A deleted server: its rows stay, as tombstones readers of changes are told about. */
  async tombstone(
    scope: OneOrganization,
    serverId: string,
    now: Date,
    tx: Transaction,
  ): Promise<void> {
    await managerOf(tx, this.dataSource)
      .getRepository(McpServerVersionEntity)
      .update(
        { organizationId: scope.organizationId, serverId, status: 'active' },
        { status: 'deleted', updatedAt: now },
      );
  }

  /** The organization's names changed: every row carries the new namespace, re-dated. */
  async renameNamespace(
    scope: OneOrganization,
    namespace: string,
    now: Date,
    tx: Transaction,
  ): Promise<void> {
    await managerOf(tx, this.dataSource)
      .getRepository(McpServerVersionEntity)
      .update({ organizationId: scope.organizationId }, { namespace, updatedAt: now });
  }
}
