import { Controller, Get, Query } from '@nestjs/common';
import { ApiGoneResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, Principal, Roles } from '@app/auth';
import { toEventView } from '@app/events';
import { EventListResponseDto } from './dto/event-list-response.dto';
import { ListEventsQueryDto } from './dto/list-events-query.dto';
import { EventsFeedService } from './events-feed.service';

@ApiTags('change feed and webhooks')
@Controller('v1/events')
export class EventsFeedController {
  constructor(private readonly feed: EventsFeedService) {}

  @Get()
  @Roles('org_admin', 'service')
  @ApiOperation({
    summary: "The organization's change feed, in sequence order (long poll with wait)",
    description:
      'Events after `after`, oldest first. Store `next_after` and pass it back: no event is ever missed or reordered. With `wait=30` an empty answer waits up to 30 s for the next event. Platform admins name `organization_id`. 410 EVENTS_PRUNED when events after `after` are past EVENTS_RETENTION_DAYS (details.resume_after says where to go on).',
  })
  @ApiOkResponse({ type: EventListResponseDto })
  @ApiGoneResponse({ description: 'EVENTS_PRUNED: the events after `after` were pruned' })
  async list(
    @Auth() principal: Principal,
    @Query() query: ListEventsQueryDto,
  ): Promise<EventListResponseDto> {
    const page = await this.feed.list(principal, query);
    return {
      events: page.events.map(toEventView),
      next_after: page.nextAfter,
      has_more: page.hasMore,
    };
  }
}
