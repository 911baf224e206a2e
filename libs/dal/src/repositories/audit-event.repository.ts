import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditEventEntity } from '../entities/audit-event.entity';
import type { OrganizationScope } from '@app/core';
import { applyKeyset, KeysetPage } from './keyset';
import { whereInScope } from './organization-scope';
import { managerOf, Transaction } from '../unit-of-work/transaction';

export interface AuditEventFilters {
  action?: string;
  resourceType?: string;
  resourceId?: string;
}

/** Appends one audit event on `manager` (repositories recording their own writes use it too). */
export async function appendAuditEvent(
  manager: EntityManager,
  event: AuditEventEntity,
): Promise<void> {
  // updateEntity(false): the row is complete as written, so no read-back after the INSERT.
  await manager
    .createQueryBuilder()
    .insert()
    .into(AuditEventEntity)
    // The cast: TypeORM's deep-partial type cannot express `changes`, a JSON document of unknowns.
    .values(event as QueryDeepPartialEntity<AuditEventEntity>)
    .updateEntity(false)
    .execute();
}

/** The audit trail: appended by AuditService (with the write it records), read scoped. */
@Injectable()
export class AuditEventRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Appends one event; inside the unit of work of the write it records, it commits with it. */
  async insert(event: AuditEventEntity, tx?: Transaction): Promise<void> {
    await appendAuditEvent(managerOf(tx, this.dataSource), event);
  }

  /** Newest first; `limit + 1` rows. */
  async list(
    scope: OrganizationScope,
    filters: AuditEventFilters,
    page: KeysetPage,
  ): Promise<AuditEventEntity[]> {
    const query = this.dataSource.getRepository(AuditEventEntity).createQueryBuilder('e');
    whereInScope(query, 'e', scope);
    if (filters.action) query.andWhere('e.action = :action', { action: filters.action });
    if (filters.resourceType) {
      query.andWhere('e.resource_type = :resourceType', { resourceType: filters.resourceType });
    }
    if (filters.resourceId) {
      query.andWhere('e.resource_id = :resourceId', { resourceId: filters.resourceId });
    }
    return applyKeyset(query, 'e', page, 'DESC').getMany();
  }
}
