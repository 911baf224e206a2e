import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { OneOrganization } from '@app/core';
import { lockRowForWrite, uniqueViolationMessage } from '../../dialect';
import { McpServerEntity } from '../../entities/mcp-server.entity';
import { McpServerAccessGroupEntity } from '../../entities/mcp-server-access-group.entity';
import { deleteToolSnapshot } from '../tool-baseline.repository';
import { bumpRegistryRevision } from '../registry-revision.repository';
import { viewOfEntity } from './mcp-server.columns';
import {
  aliasKeyOf,
  McpServerChanges,
  McpServerConflict,
  McpServerConflictField,
  McpServerView,
  NewMcpServer,
  serverNameKeyOf,
} from './mcp-server.types';
import { managerOf, Transaction } from '../../unit-of-work/transaction';

type RawRow = Record<string, unknown>;

/**
 * Writes of registry servers, each inside the caller's transaction and in one organization: the
 * row lock, uniqueness, insert, versioned replace, delete, and the registry revision bump every
 * write a list shows needs. A taken unique value is a typed McpServerConflict; what the API says
 * about it is the service's business.
 */
@Injectable()
export class McpServerWriteRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The whole row, sealed values included, locked for the write in progress (`tx`: the write's
   * unit of work): concurrent writers of the server queue here, so each one reads the row the
   * previous one committed and what it checks holds until it commits.
   */
  async findForWrite(
    scope: OneOrganization,
    serverId: string,
    tx: Transaction,
  ): Promise<McpServerEntity | null> {
    const manager = managerOf(tx, this.dataSource);
    const { organizationId } = scope;
    await lockRowForWrite(
      manager,
      'mcp_servers',
      'server_id = ? AND organization_id = ?',
      [serverId, organizationId],
      'version',
    );
    return manager.getRepository(McpServerEntity).findOne({ where: { organizationId, serverId } });
  }

  /**
   * Which unique values of the organization (server id, name, alias; names and aliases case
   * insensitively) are taken by another server than `exceptServerId`. Other organizations'
   * servers never conflict, so a 409 says nothing about them.
   */
  async findConflicts(
    scope: OneOrganization,
    candidate: { serverId: string; serverName: string; alias: string },
    exceptServerId: string | null,
    tx: Transaction,
  ): Promise<McpServerConflictField[]> {
    const manager = managerOf(tx, this.dataSource);
    const serverNameKey = serverNameKeyOf(candidate.serverName);
    const aliasKey = aliasKeyOf(candidate.alias);
    const rows: RawRow[] = await manager.query(
      'SELECT server_id, server_name_key, alias_key FROM mcp_servers' +
        ' WHERE organization_id = ? AND (server_id = ? OR server_name_key = ? OR alias_key = ?)',
      [scope.organizationId, candidate.serverId, serverNameKey, aliasKey],
    );
    const fields = new Set<McpServerConflictField>();
    for (const row of rows) {
      const id = String(row.server_id);
      if (id === exceptServerId) continue;
      if (id === candidate.serverId) fields.add('server_id');
      if (row.server_name_key === serverNameKey) fields.add('server_name');
      if (row.alias_key === aliasKey) fields.add('alias');
    }
    return (['server_id', 'server_name', 'alias'] as const).filter((field) => fields.has(field));
  }

  /**
   * Inserts the server into the scope's organization with its access groups, unchecked and due
   * for its first check at once, and returns its view. A unique clash is a McpServerConflict.
   */
  async insert(
    scope: OneOrganization,
    server: NewMcpServer,
    accessGroups: readonly string[],
    tx: Transaction,
  ): Promise<McpServerView> {
    const manager = managerOf(tx, this.dataSource);
    const row: McpServerEntity = {
      ...storedColumns(server.changes),
      ...uncheckedColumns(server.changes),
      serverId: server.serverId,
      organizationId: scope.organizationId,
      createdAt: server.createdAt,
      createdBy: server.createdBy,
      version: 1,
    };
    // Every column is given, so TypeORM's read-back of defaulted columns is skipped.
    await uniquely(() =>
      manager
        .createQueryBuilder()
        .insert()
        .into(McpServerEntity)
        .values(row)
        .updateEntity(false)
        .execute(),
    );
    await this.insertGroups(scope, server.serverId, server.createdAt, accessGroups, manager);
    await bumpRegistryRevision(manager, scope);
    return viewOfEntity(row);
  }

  /**
   * Replaces the server's columns and access groups if it is still at `expectedVersion`, bumping
   * the version; false when it changed (or vanished) meanwhile. The version check is part of the
   * UPDATE itself, so two writers holding the same version cannot both succeed.
   */
  async updateIfVersion(
    scope: OneOrganization,
    serverId: string,
    createdAt: Date,
    expectedVersion: number,
    changes: McpServerChanges,
    accessGroups: readonly string[],
    tx: Transaction,
  ): Promise<boolean> {
    const manager = managerOf(tx, this.dataSource);
    const { organizationId } = scope;
    const result = await uniquely(() =>
      manager
        .createQueryBuilder()
        .update(McpServerEntity)
        .set({ ...storedColumns(changes), version: () => 'version + 1' })
        .where('server_id = :serverId AND organization_id = :organizationId', {
          serverId,
          organizationId,
        })
        .andWhere('version = :expectedVersion', { expectedVersion })
        .execute(),
    );
    if ((result.affected ?? 0) === 0) return false;
    await manager.getRepository(McpServerAccessGroupEntity).delete({ organizationId, serverId });
    await this.insertGroups(scope, serverId, createdAt, accessGroups, manager);
    await bumpRegistryRevision(manager, scope);
    return true;
  }

  /**
   * Deletes the server; its access-group rows go with it (foreign key cascade), its tool baseline
   * and last observation too.
   */
  async delete(scope: OneOrganization, serverId: string, tx: Transaction): Promise<boolean> {
    const manager = managerOf(tx, this.dataSource);
    const result = await manager
      .getRepository(McpServerEntity)
      .delete({ organizationId: scope.organizationId, serverId });
    if ((result.affected ?? 0) === 0) return false;
    await deleteToolSnapshot(manager, scope, { kind: 'mcp_server', id: serverId });
    await bumpRegistryRevision(manager, scope);
    return true;
  }

  private async insertGroups(
    scope: OneOrganization,
    serverId: string,
    serverCreatedAt: Date,
    accessGroups: readonly string[],
    manager: EntityManager,
  ): Promise<void> {
    if (accessGroups.length === 0) return;
    await manager
      .createQueryBuilder()
      .insert()
      .into(McpServerAccessGroupEntity)
      .values(
        accessGroups.map((accessGroup) => ({
          serverId,
          organizationId: scope.organizationId,
          accessGroup,
          serverCreatedAt,
        })),
      )
      .updateEntity(false)
      .execute();
  }
}

/**
 * The request's columns as stored: the lookup keys of name and alias, and a changed server is
 * due for a fresh check.
 */
function storedColumns(changes: McpServerChanges) {
  return {
    ...changes,
    serverNameKey: serverNameKeyOf(changes.serverName),
    aliasKey: aliasKeyOf(changes.alias),
    nextCheckAt: changes.updatedAt,
  };
}

/** The health and checker columns of a server never checked yet (no claim, no refresh lease). */
export function uncheckedColumns(changes: Pick<McpServerChanges, 'transport'>) {
  return {
    status: 'unknown',
    lastHealthCheck: null,
    healthCheckError: null,
    healthCheckErrorKind: null,
    toolCount: null,
    latencyMs: null,
    consecutiveFailures: 0,
    discoveredTools: null,
    toolsFingerprint: null,
    toolsDigest: null,
    toolsDrift: null,
    driftDetectedAt: null,
    protocolVersion: null,
    protocolEra: null,
    // Probes of an sse server speak the deprecated HTTP+SSE transport: known before the first.
    transportDeprecated: changes.transport === 'sse',
    toolsFreshUntil: null,
    claimOwner: null,
    claimExpiresAt: null,
    credentialsRefreshOwner: null,
    credentialsRefreshUntil: null,
  } satisfies Partial<McpServerEntity>;
}

/** Runs a write; a unique index refusing it becomes a McpServerConflict naming the field. */
async function uniquely<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const field = conflictFieldOf(error);
    if (field) throw new McpServerConflict(field);
    throw error;
  }
}

function conflictFieldOf(error: unknown): McpServerConflictField | null {
  const message = uniqueViolationMessage(error);
  if (message === null) return null;
  if (message.includes('server_name_key')) return 'server_name';
  if (message.includes('alias_key')) return 'alias';
  return 'server_id';
}
