import { Injectable } from '@nestjs/common';
import { decodeCursor, DEFAULT_PAGE_LIMIT, Page, toPage } from '@app/core';
import { OrganizationScopeResolver, Principal } from '@app/auth';
import { AuditEventEntity, AuditEventRepository } from '@app/dal';
import { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto';

/** The audit trail: org admins read their organization's, platform admins everyone's. */
@Injectable()
export class AuditEventsService {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly scopes: OrganizationScopeResolver,
  ) {}

  async list(
    principal: Principal,
    query: ListAuditEventsQueryDto,
  ): Promise<Page<AuditEventEntity>> {
    const scope = await this.scopes.listScope(principal, query.organization_id);
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.events.list(
      scope,
      { action: query.action, resourceType: query.resource_type, resourceId: query.resource_id },
      { limit, after: decodeCursor(query.cursor) },
    );
    return toPage(rows, limit, (row) => row);
  }
}
