import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository, SelectQueryBuilder } from 'typeorm';
import { ConflictError, OneOrganization, OrganizationScope } from '@app/core';
import { isUniqueViolation, lockRowForWrite } from '../dialect';
import { McpConfigurationEntity, McpConfigurationType } from '../entities/mcp-configuration.entity';
import { nameKeyOf } from '../entities/name-key';
import { applyKeyset, KeysetPage } from './keyset';
import { scopeCondition, whereInScope } from './organization-scope';
import { deleteToolSnapshot } from './tool-baseline.repository';
import { managerOf, Transaction } from '../unit-of-work/transaction';

export interface McpConfigurationListFilter {
  type?: McpConfigurationType;
  isActive?: boolean;
}

/** A new configuration: lookup keys, deletion and the tool drift columns are the repository's. */
export type NewMcpConfiguration = Omit<
  McpConfigurationEntity,
  | 'activeNameKey'
  | 'deletedAt'
  | 'toolsFingerprint'
  | 'toolsDigest'
  | 'toolsDrift'
  | 'driftDetectedAt'
>;

/** Columns a write may change; the id, organization, creator and creation time never change. */
export type McpConfigurationChanges = Partial<
  Omit<
    McpConfigurationEntity,
    'id' | 'organizationId' | 'userId' | 'createdAt' | 'activeNameKey' | 'deletedAt' | 'version'
  >
>;

const NAME_CONFLICT = 'An MCP configuration with this name already exists in the organization';

/** The only place queries on `mcp_configurations` live; every method is organization-scoped. */
@Injectable()
export class McpConfigurationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(tx?: Transaction): Repository<McpConfigurationEntity> {
    return managerOf(tx, this.dataSource).getRepository(McpConfigurationEntity);
  }

  private live(
    scope: OrganizationScope,
    tx?: Transaction,
  ): SelectQueryBuilder<McpConfigurationEntity> {
    const query = this.repo(tx).createQueryBuilder('c').where('c.deletedAt IS NULL');
    return whereInScope(query, 'c', scope);
  }

  /** A live (not deleted) configuration, or null when it does not exist in this scope. */
  async findById(
    scope: OrganizationScope,
    id: string,
    tx?: Transaction,
  ): Promise<McpConfigurationEntity | null> {
    return this.live(scope, tx).andWhere('c.id = :id', { id }).getOne();
  }

  /**
   * A live configuration locked for the write in progress (inside the write's unit of work):
   * concurrent writers of the row queue here, so each one validates its change against the row
   * the previous one committed, and that row holds until it commits.
   */
  async findForWrite(
    scope: OrganizationScope,
    id: string,
    tx: Transaction,
  ): Promise<McpConfigurationEntity | null> {
    const manager = managerOf(tx, this.dataSource);
    const inScope = scopeCondition(scope, 'organization_id');
    await lockRowForWrite(
      manager,
      'mcp_configurations',
      `id = ? AND deleted_at IS NULL AND ${inScope.sql}`,
      [id, ...inScope.params],
      'version',
    );
    return this.findById(scope, id, tx);
  }

  /** Keyset page ordered by (created_at, id), plus the total of rows matching the filter. */
  async list(
    scope: OrganizationScope,
    filter: McpConfigurationListFilter,
    page: KeysetPage,
  ): Promise<{ rows: McpConfigurationEntity[]; total: number }> {
    const filtered = () => {
      const query = this.live(scope);
      if (filter.type !== undefined) query.andWhere('c.type = :type', { type: filter.type });
      if (filter.isActive !== undefined) {
        query.andWhere('c.isActive = :isActive', { isActive: filter.isActive });
      }
      return query;
    };
    const [rows, total] = await Promise.all([
      applyKeyset(filtered(), 'c', page).getMany(),
      filtered().getCount(),
    ]);
    return { rows, total };
  }

  async nameTaken(
    scope: OneOrganization,
    name: string,
    exceptId?: string,
    tx?: Transaction,
  ): Promise<boolean> {
    const query = this.repo(tx)
      .createQueryBuilder('c')
      .where('c.organizationId = :organizationId', { organizationId: scope.organizationId })
      .andWhere('c.activeNameKey = :key', { key: nameKeyOf(name) });
    if (exceptId !== undefined) query.andWhere('c.id <> :exceptId', { exceptId });
    return (await query.getCount()) > 0;
  }

  /** Throws ConflictError when the name is taken (the unique index decides under races too). */
  async insert(
    scope: OneOrganization,
    values: NewMcpConfiguration,
    tx?: Transaction,
  ): Promise<void> {
    try {
      await this.repo(tx).insert({
        ...values,
        organizationId: scope.organizationId,
        activeNameKey: nameKeyOf(values.name),
        deletedAt: null,
        toolsFingerprint: null,
        toolsDigest: null,
        toolsDrift: null,
        driftDetectedAt: null,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(NAME_CONFLICT, 'name');
      throw error;
    }
  }

  /**
   * Writes only the given columns and bumps the version, if the row is still at
   * `expectedVersion`; false when it changed or was deleted meanwhile. Other columns are left
   * alone, so a concurrent write to one of them (for example the rotation job re-sealing
   * credentials) is never overwritten with a stale value.
   */
  async update(
    scope: OneOrganization,
    id: string,
    expectedVersion: number,
    changes: McpConfigurationChanges,
    tx?: Transaction,
  ): Promise<boolean> {
    const set: Partial<McpConfigurationEntity> = { ...changes };
    if (changes.name !== undefined) set.activeNameKey = nameKeyOf(changes.name);
    try {
      const result = await this.repo(tx)
        .createQueryBuilder()
        .update(McpConfigurationEntity)
        .set({ ...set, version: () => 'version + 1' })
        .where('id = :id AND organization_id = :organizationId AND deleted_at IS NULL', {
          id,
          organizationId: scope.organizationId,
        })
        .andWhere('version = :expectedVersion', { expectedVersion })
        .execute();
      return (result.affected ?? 0) > 0;
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(NAME_CONFLICT, 'name');
      throw error;
    }
  }

  /**
   * Frees the name and drops the sealed credentials (a deleted row keeps no secret) and the tool
   * baseline and last observation.
   */
  async softDelete(
    scope: OneOrganization,
    id: string,
    at: Date,
    tx?: Transaction,
  ): Promise<boolean> {
    const result = await this.repo(tx)
      .createQueryBuilder()
      .update(McpConfigurationEntity)
      .set({ deletedAt: at, updatedAt: at, activeNameKey: null, credentialsSealed: null })
      .where('id = :id AND organization_id = :organizationId AND deleted_at IS NULL', {
        id,
        organizationId: scope.organizationId,
      })
      .execute();
    if ((result.affected ?? 0) === 0) return false;
    await deleteToolSnapshot(this.repo(tx).manager, scope, { kind: 'mcp_configuration', id });
    return true;
  }
}
