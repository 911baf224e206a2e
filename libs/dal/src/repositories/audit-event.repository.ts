import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from '../entities/audit-event.entity';
import type { OrganizationScope } from '@app/core';
import { applyKeyset, KeysetPage } from './keyset';
import { whereInScope } from './organization-scope';

export interface AuditEventFilters {
  action?: string;
  resourceType?: string;
  resourceId?: string;
}

/** Reads of the audit trail (AuditService writes it). Always scoped. */
@Injectable()
export class AuditEventRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
