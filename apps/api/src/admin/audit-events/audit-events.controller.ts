import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { toPaginationResponse } from '@app/core';
import { Auth, Principal, Roles } from '@app/auth';
import { toAuditEventResponse } from './audit-event.mapper';
import { AuditEventsService } from './audit-events.service';
import { AuditEventListResponseDto } from './dto/audit-event-list-response.dto';
import { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto';

@ApiTags('admin: audit events')
@Controller('v1/audit-events')
export class AuditEventsController {
  constructor(private readonly events: AuditEventsService) {}

  @Get()
  @Roles('org_admin')
  @ApiOperation({
    summary: 'List audit events, newest first',
    description:
      "org_admin: its organization's events. Platform admins: all, or one organization with organization_id.",
  })
  @ApiOkResponse({ type: AuditEventListResponseDto })
  async list(
    @Auth() principal: Principal,
    @Query() query: ListAuditEventsQueryDto,
  ): Promise<AuditEventListResponseDto> {
    const page = await this.events.list(principal, query);
    return {
      audit_events: page.items.map(toAuditEventResponse),
      pagination: toPaginationResponse(page),
    };
  }
}
