import { Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT, Page } from '@app/core';
import { Principal } from '@app/auth';
import { AuditEventEntity, AuditEventRepository } from '@app/dal';
import { keysetAfter, keysetPage } from '../keyset-cursor';
import { readScope } from '../organization-access';
import { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto';

/** The audit trail: org admins read their organization's, platform admins everyone's. */
@Injectable()
export class AuditEventsService {
  constructor(private readonly events: AuditEventRepository) {}

  async list(
    principal: Principal,
    query: ListAuditEventsQueryDto,
  ): Promise<Page<AuditEventEntity> & { limit: number }> {
    const scope = readScope(principal, query.organization_id);
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.events.list(
      scope,
      { action: query.action, resourceType: query.resource_type, resourceId: query.resource_id },
      { limit, after: keysetAfter(query.cursor) },
    );
    return { ...keysetPage(rows, limit, (row) => row), limit };
  }
}
