import { Injectable } from '@nestjs/common';
import { GoneError, OneOrganization, ValidationError } from '@app/core';
import { OrganizationScopeResolver, Principal } from '@app/auth';
import { FeedEvent, EventFeedRead, EventRepository } from '@app/dal';
import {
  EventMetrics,
  EventNotifier,
  MAX_TYPE_PATTERNS,
  typePatternProblem,
  typesMatching,
} from '@app/events';
import { DEFAULT_EVENT_LIMIT, ListEventsQueryDto } from './dto/list-events-query.dto';

export interface EventFeedPage {
  events: FeedEvent[];
  nextAfter: number;
  hasMore: boolean;
}

/**
 * The change feed of one organization: its events after a sequence, in order. With `wait`, a
 * read that finds nothing waits for the next commit (at once for this process's commits, within
 * EVENTS_POLL_MS for other replicas') and reads again, until the wait is over.
 */
@Injectable()
export class EventsFeedService {
  constructor(
    private readonly scopes: OrganizationScopeResolver,
    private readonly events: EventRepository,
    private readonly notifier: EventNotifier,
    private readonly metrics: EventMetrics,
  ) {}

  async list(principal: Principal, query: ListEventsQueryDto): Promise<EventFeedPage> {
    const scope = await this.scopes.listScope(principal, query.organization_id);
    if (scope.kind === 'all') {
      throw ValidationError.field(
        'organization_id',
        'is required for platform admin keys (sequences are per organization)',
      );
    }
    const types = parseTypes(query.types);
    const limit = query.limit ?? DEFAULT_EVENT_LIMIT;
    let cursor = query.after ?? 0;
    let read = await this.events.read(scope, { after: cursor, limit, types });
    assertAvailable(cursor, read);
    const deadline = Date.now() + (query.wait ?? 0) * 1000;
    while (read.events.length === 0) {
      // Nothing of the asked types up to the horizon: the consumer may skip past it.
      cursor = Math.max(cursor, read.horizon);
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.notifier.isClosed) break;
      read = await this.waitAndRead(scope, cursor, remaining, { after: cursor, limit, types });
    }
    const last = read.events[read.events.length - 1];
    const full = read.events.length === limit;
    return {
      events: read.events,
      nextAfter: full && last ? last.sequence : Math.max(cursor, read.horizon),
      hasMore: full && last !== undefined && last.sequence < read.horizon,
    };
  }

  private async waitAndRead(
    scope: OneOrganization,
    horizon: number,
    remainingMs: number,
    query: { after: number; limit: number; types?: string[] },
  ): Promise<EventFeedRead> {
    this.metrics.waiterAdded();
    try {
      await this.notifier.wait(scope.organizationId, horizon, remainingMs);
    } finally {
      this.metrics.waiterRemoved();
    }
    const read = await this.events.read(scope, query);
    if (read.horizon <= horizon) this.notifier.correct(scope.organizationId, read.horizon);
    return read;
  }
}

/** 410 when events after `after` were pruned; 400 for a sequence the organization never had. */
function assertAvailable(after: number, read: EventFeedRead): void {
  if (after > read.horizon) {
    throw ValidationError.field(
      'after',
      `is past the organization's last event sequence (${read.horizon})`,
    );
  }
  const firstStored = read.oldest ?? read.horizon + 1;
  if (!read.contiguous && after < read.horizon && after < firstStored - 1) {
    throw new GoneError(
      'EVENTS_PRUNED',
      `Events after sequence ${after} were pruned (EVENTS_RETENTION_DAYS); resume after ${firstStored - 1}`,
      { oldest_sequence: read.oldest, last_sequence: read.horizon, resume_after: firstStored - 1 },
    );
  }
}

function parseTypes(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const patterns = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  if (patterns.length > MAX_TYPE_PATTERNS) {
    throw ValidationError.field('types', `must name at most ${MAX_TYPE_PATTERNS} types`);
  }
  for (const pattern of patterns) {
    const problem = typePatternProblem(pattern);
    if (problem) throw ValidationError.field('types', problem);
  }
  return typesMatching(patterns);
}
