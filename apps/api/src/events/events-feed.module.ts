import { Module } from '@nestjs/common';
import { EventsFeedController } from './events-feed.controller';
import { EventsFeedService } from './events-feed.service';

/** GET /v1/events: the change feed (the outbox itself is libs/events, global). */
@Module({
  controllers: [EventsFeedController],
  providers: [EventsFeedService],
})
export class EventsFeedModule {}
