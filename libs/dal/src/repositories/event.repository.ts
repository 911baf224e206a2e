import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { OneOrganization } from '@app/core';
import { ensureRow, executeCounting, lockingReadSuffix, sqlInstant } from '../dialect';
import { EventEntity } from '../entities/event.entity';
import { fromJsonColumn } from '../entities/json-column';
import { utcDate } from '../entities/timestamp.transformer';
import { managerOf, Transaction } from '../unit-of-work/transaction';
import { UnitOfWork } from '../unit-of-work/unit-of-work';

export interface NewEvent {
  id: string;
  type: string;
  resourceId: string;
  occurredAt: Date;
  data: Record<string, unknown>;
}

export interface EventPageQuery {
  after: number;
  limit: number;
  /** Exact types to keep; undefined: every type. */
  types?: readonly string[];
}

/** A numbered event, as the feed and the deliverer read it. */
export type FeedEvent = Omit<EventEntity, 'position' | 'sequence'> & { sequence: number };

export interface EventFeedRead {
  horizon: number;
  /** The oldest sequence stored (null when none is); only read when `contiguous` is false. */
  oldest: number | null;
  events: FeedEvent[];
  /** True when nothing after `after` can be missing (so `oldest` was not needed). */
  contiguous: boolean;
}

type RawRow = Record<string, unknown>;

/** Starts an organization's event numbering (with the organization, in its transaction). */
export async function createEventSequence(
  manager: EntityManager,
  organizationId: string,
): Promise<void> {
  await manager.query(
    'INSERT INTO event_sequences (organization_id, last_sequence) VALUES (?, 0)',
    [organizationId],
  );
}

/**
 * The outbox. A change inserts its event in its own transaction, unnumbered, so writers never
 * wait for each other; once events are committed, `assignSequences` numbers them in one short
 * transaction holding the organization's counter row, in insertion order. Numbers are therefore
 * gapless (only committed events get one), strictly increasing, and become visible together
 * with the counter that covers them, after every smaller one: a reader that reads the counter
 * first (`read`) sees every event up to it, and never a later one before an earlier one.
 */
@Injectable()
export class EventRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** Inserts `event` (unnumbered) in `tx`: it exists if and only if `tx` commits. */
  async append(scope: OneOrganization, event: NewEvent, tx: Transaction): Promise<void> {
    await managerOf(tx, this.dataSource)
      .createQueryBuilder()
      .insert()
      .into(EventEntity)
      .values({
        organizationId: scope.organizationId,
        sequence: null,
        id: event.id,
        type: event.type,
        resourceId: event.resourceId,
        occurredAt: event.occurredAt,
        data: event.data,
      } as never)
      .updateEntity(false)
      .execute();
  }

  /**
   * Numbers the organization's committed, unnumbered events (`batch` at most, oldest insertion
   * first) after its counter, which is locked for the transaction: two sequencers of one
   * organization (replicas) take turns, and each sees what the previous one numbered. Returns
   * how many were numbered and the counter after.
   */
  async assignSequences(
    organizationId: string,
    batch: number,
  ): Promise<{ assigned: number; horizon: number; types: string[] }> {
    return this.unitOfWork.run(async (tx) => {
      const manager = managerOf(tx, this.dataSource);
      let last = await this.lockedCounter(manager, organizationId);
      if (last === null) {
        await ensureRow(manager, 'event_sequences', {
          organization_id: organizationId,
          last_sequence: 0,
        });
        last = (await this.lockedCounter(manager, organizationId)) ?? 0;
      }
      const pending: RawRow[] = await manager.query(
        'SELECT position, type FROM events WHERE organization_id = ? AND sequence IS NULL' +
          ' ORDER BY position LIMIT ?',
        [organizationId, batch],
      );
      if (pending.length === 0) return { assigned: 0, horizon: last, types: [] };
      const cases = pending.map(() => 'WHEN ? THEN ?').join(' ');
      const params: unknown[] = [];
      pending.forEach((row, index) => params.push(row.position, last! + index + 1));
      await manager.query(
        // By primary key only: the rows were read under the counter's lock in this transaction.
        `UPDATE events SET sequence = CASE position ${cases} END` +
          ` WHERE position IN (${pending.map(() => '?').join(', ')})`,
        [...params, ...pending.map((row) => row.position)],
      );
      const horizon = last + pending.length;
      await manager.query(
        'UPDATE event_sequences SET last_sequence = ? WHERE organization_id = ?',
        [horizon, organizationId],
      );
      return { assigned: pending.length, horizon, types: pending.map((row) => String(row.type)) };
    });
  }

  /** Organizations with committed events still unnumbered (a writer died before numbering). */
  async unsequencedOrganizations(limit: number): Promise<string[]> {
    const rows: RawRow[] = await this.statement(
      'SELECT DISTINCT organization_id FROM events WHERE sequence IS NULL LIMIT ?',
      [limit],
    );
    return rows.map((row) => String(row.organization_id));
  }

  /**
   * What a reader may see of the organization's feed after `query.after`: the horizon (its last
   * committed sequence, 0 before its first event), the oldest sequence still stored (null when
   * none is) and the events after `query.after` up to the horizon, in order, `limit` at most.
   * Every event up to the horizon is committed and readable once it is read: the one that set it
   * committed after all before. One turn on SQLite, whose one shared connection would otherwise
   * show a read the rows of a transaction still open (and perhaps rolled back later).
   */
  async read(scope: OneOrganization, query: EventPageQuery): Promise<EventFeedRead> {
    return this.unitOfWork.run({ atomic: false }, async (tx) => {
      const manager = managerOf(tx, this.dataSource);
      const { organizationId } = scope;
      const counter: RawRow[] = await manager.query(
        'SELECT last_sequence FROM event_sequences WHERE organization_id = ?',
        [organizationId],
      );
      const horizon = Number(counter[0]?.last_sequence ?? 0);
      let events: FeedEvent[] = [];
      if (horizon > query.after && !(query.types && query.types.length === 0)) {
        const params: unknown[] = [organizationId, query.after, horizon];
        let types = '';
        if (query.types) {
          types = ` AND type IN (${query.types.map(() => '?').join(', ')})`;
          params.push(...query.types);
        }
        const rows: RawRow[] = await manager.query(
          'SELECT organization_id, sequence, id, type, resource_id, occurred_at, data FROM events' +
            ` WHERE organization_id = ? AND sequence > ? AND sequence <= ?${types}` +
            ' ORDER BY sequence LIMIT ?',
          [...params, query.limit],
        );
        events = rows.map(toEvent);
      }
      // The next event is there, or there is none: nothing after `after` can have been pruned.
      if (events[0]?.sequence === query.after + 1 || horizon <= query.after) {
        return { horizon, oldest: null, events, contiguous: true };
      }
      const oldestRows: RawRow[] = await manager.query(
        'SELECT MIN(sequence) AS oldest FROM events WHERE organization_id = ?',
        [organizationId],
      );
      const oldestRaw = oldestRows[0]?.oldest;
      const oldest = oldestRaw === null || oldestRaw === undefined ? null : Number(oldestRaw);
      return { horizon, oldest, events, contiguous: false };
    });
  }

  /** The organization's last sequence as `tx` sees it (0 before its first event). */
  async horizonIn(scope: OneOrganization, tx: Transaction): Promise<number> {
    const rows: RawRow[] = await managerOf(tx, this.dataSource).query(
      'SELECT last_sequence FROM event_sequences WHERE organization_id = ?',
      [scope.organizationId],
    );
    return Number(rows[0]?.last_sequence ?? 0);
  }

  /** Committed horizons of several organizations at once (absent: no counter row). */
  async horizons(organizationIds: readonly string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    if (organizationIds.length === 0) return result;
    const rows: RawRow[] = await this.unitOfWork.run({ atomic: false }, (tx) =>
      managerOf(tx, this.dataSource).query(
        'SELECT organization_id, last_sequence FROM event_sequences WHERE organization_id IN (' +
          organizationIds.map(() => '?').join(', ') +
          ')',
        [...organizationIds],
      ),
    );
    for (const row of rows) result.set(String(row.organization_id), Number(row.last_sequence));
    return result;
  }

  /**
   * Deletes events that occurred before `cutoff`, oldest first and per organization as a prefix
   * of its sequence (what is kept is always a contiguous run up to the horizon, even where the
   * clocks of replicas disagreed on `occurred_at`). At most `batch` rows per statement.
   */
  async prune(cutoff: Date, batch: number): Promise<number> {
    const stale: RawRow[] = await this.statement(
      'SELECT organization_id, MAX(sequence) AS upto, MIN(sequence) AS oldest FROM events' +
        ' WHERE occurred_at < ? GROUP BY organization_id',
      [sqlInstant(cutoff)],
    );
    let deleted = 0;
    for (const row of stale) {
      if (row.upto === null || row.upto === undefined) continue;
      const upTo = Number(row.upto);
      for (let from = Number(row.oldest); from <= upTo; from += batch) {
        deleted += await this.unitOfWork.run({ atomic: false }, (tx) =>
          executeCounting(
            managerOf(tx, this.dataSource),
            'DELETE FROM events WHERE organization_id = ? AND sequence <= ?',
            [String(row.organization_id), Math.min(upTo, from + batch - 1)],
          ),
        );
      }
    }
    return deleted;
  }

  /** The organization's counter, locked for the rest of the transaction; null when absent. */
  private async lockedCounter(manager: EntityManager, organizationId: string) {
    const rows: RawRow[] = await manager.query(
      `SELECT last_sequence FROM event_sequences WHERE organization_id = ?${lockingReadSuffix(manager)}`,
      [organizationId],
    );
    return rows.length === 0 ? null : Number(rows[0].last_sequence);
  }

  /** One statement, standing on its own (a turn on SQLite: see read()). */
  private statement<T = RawRow[]>(sql: string, params: unknown[]): Promise<T> {
    return this.unitOfWork.run({ atomic: false }, (tx) =>
      managerOf(tx, this.dataSource).query(sql, params),
    );
  }
}

function toEvent(row: RawRow): FeedEvent {
  return {
    organizationId: String(row.organization_id),
    sequence: Number(row.sequence),
    id: String(row.id),
    type: String(row.type),
    resourceId: String(row.resource_id),
    occurredAt: utcDate.from(row.occurred_at as string | Date) as Date,
    data: fromJsonColumn<Record<string, unknown>>(row.data),
  };
}
