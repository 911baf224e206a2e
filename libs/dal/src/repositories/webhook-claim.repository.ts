import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { OneOrganization, OrganizationScope } from '@app/core';
import { executeCounting, sqlInstant } from '../dialect';
import { WebhookDeliveryEntity } from '../entities/webhook-delivery.entity';
import { WebhookEntity } from '../entities/webhook.entity';
import { scopeCondition } from './organization-scope';
import { managerOf, Transaction } from '../unit-of-work/transaction';
import { UnitOfWork } from '../unit-of-work/unit-of-work';

/** Candidates read per free slot, so replicas claiming at once rarely pick the same rows. */
const CANDIDATE_SPREAD = 4;

export interface WebhookClaim {
  /** Unique per claim batch. */
  owner: string;
  now: Date;
  expiresAt: Date;
  limit: number;
}

/** How a claimed delivery ends: the row is only written while `owner` still holds the claim. */
export interface WebhookDeliveryStep {
  webhookId: string;
  owner: string;
  /** The attempts' log rows (none when only the cursor moves past events of other types). */
  attempts: WebhookDeliveryEntity[];
}

type RawRow = Record<string, unknown>;

/**
 * The deliverers' claims on `webhooks`, as the health checker's on servers: a short lease,
 * renewed while a replica delivers, taken by a conditional UPDATE that only one replica can win
 * (portable: no SKIP LOCKED). A subscription is due when it is active, its retry time has come
 * and its organization has an event after its cursor. While a replica holds the claim it alone
 * moves the cursor, in sequence order; every write below is conditional on still holding it.
 */
@Injectable()
export class WebhookClaimRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async claimDue(
    scope: OrganizationScope,
    claim: WebhookClaim,
  ): Promise<{ claimed: WebhookEntity[]; candidates: number }> {
    const now = sqlInstant(claim.now);
    const inScope = scopeCondition(scope, 'w.organization_id');
    return this.unitOfWork.run({ atomic: false }, async (tx) => {
      const manager = managerOf(tx, this.dataSource);
      const rows: RawRow[] = await manager.query(
        'SELECT w.id FROM webhooks w JOIN event_sequences s ON s.organization_id = w.organization_id' +
          ` WHERE ${inScope.sql} AND w.active = 1 AND w.delivered_sequence < s.last_sequence` +
          ' AND (w.next_attempt_at IS NULL OR w.next_attempt_at <= ?)' +
          ' AND (w.claim_expires_at IS NULL OR w.claim_expires_at < ?)' +
          ' ORDER BY w.next_attempt_at LIMIT ?',
        [...inScope.params, now, now, claim.limit * CANDIDATE_SPREAD],
      );
      if (rows.length === 0) return { claimed: [], candidates: 0 };
      const picked = pickRandom(
        rows.map((row) => String(row.id)),
        claim.limit,
      );
      const won = await executeCounting(
        manager,
        `UPDATE webhooks SET claim_owner = ?, claim_expires_at = ? WHERE id IN (${picked
          .map(() => '?')
          .join(', ')}) AND active = 1` +
          ' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)' +
          ' AND (claim_expires_at IS NULL OR claim_expires_at < ?)',
        [claim.owner, sqlInstant(claim.expiresAt), ...picked, now, now],
      );
      if (won === 0) return { claimed: [], candidates: rows.length };
      const claimed = await manager
        .getRepository(WebhookEntity)
        .find({ where: { id: In(picked), claimOwner: claim.owner } });
      return { claimed, candidates: rows.length };
    });
  }

  /**
   * Moves the cursor to `sequence` (delivered, or past events of other types) and records the
   * attempts, in one transaction; false when the claim was lost (nothing written).
   */
  async advance(step: WebhookDeliveryStep, sequence: number): Promise<boolean> {
    return this.unitOfWork.run(async (tx) => {
      const moved = await executeCounting(
        managerOf(tx, this.dataSource),
        'UPDATE webhooks SET delivered_sequence = ?, attempts = 0, next_attempt_at = NULL' +
          ' WHERE id = ? AND claim_owner = ? AND delivered_sequence < ?',
        [sequence, step.webhookId, step.owner, sequence],
      );
      if (moved === 0) return false;
      await this.log(step, tx);
      return true;
    });
  }

  /** Records a failed attempt, schedules the next one and ends the claim; false when lost. */
  async retryLater(step: WebhookDeliveryStep, nextAttemptAt: Date): Promise<boolean> {
    return this.unitOfWork.run(async (tx) => {
      const updated = await executeCounting(
        managerOf(tx, this.dataSource),
        'UPDATE webhooks SET attempts = attempts + 1, next_attempt_at = ?,' +
          ' claim_owner = NULL, claim_expires_at = NULL WHERE id = ? AND claim_owner = ?',
        [sqlInstant(nextAttemptAt), step.webhookId, step.owner],
      );
      if (updated === 0) return false;
      await this.log(step, tx);
      return true;
    });
  }

  /**
   * Records the last failed attempt and disables the subscription (its cursor stays on the
   * failed event, so a redeliver resumes there), within `tx` (the caller adds its event there).
   */
  async disable(
    step: WebhookDeliveryStep,
    at: Date,
    reason: string,
    tx: Transaction,
  ): Promise<boolean> {
    const updated = await executeCounting(
      managerOf(tx, this.dataSource),
      'UPDATE webhooks SET active = 0, attempts = attempts + 1, next_attempt_at = NULL,' +
        ' disabled_at = ?, disabled_reason = ?, updated_at = ?, claim_owner = NULL,' +
        ' claim_expires_at = NULL WHERE id = ? AND claim_owner = ?',
      [sqlInstant(at), reason, sqlInstant(at), step.webhookId, step.owner],
    );
    if (updated === 0) return false;
    await this.log(step, tx);
    return true;
  }

  /** The subscription as it is now (for the event that says it was disabled). */
  async findById(
    scope: OneOrganization,
    id: string,
    tx?: Transaction,
  ): Promise<WebhookEntity | null> {
    return managerOf(tx, this.dataSource)
      .getRepository(WebhookEntity)
      .findOne({ where: { id, organizationId: scope.organizationId } });
  }

  /** Extends the leases of claims `owner` still holds. */
  async renew(owner: string, ids: readonly string[], expiresAt: Date): Promise<number> {
    if (ids.length === 0) return 0;
    return this.unitOfWork.run({ atomic: false }, (tx) =>
      executeCounting(
        managerOf(tx, this.dataSource),
        `UPDATE webhooks SET claim_expires_at = ? WHERE claim_owner = ? AND id IN (${ids
          .map(() => '?')
          .join(', ')})`,
        [sqlInstant(expiresAt), owner, ...ids],
      ),
    );
  }

  /** Ends claims without recording anything (nothing left to deliver, or shutting down). */
  async release(owner: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.unitOfWork.run({ atomic: false }, (tx) =>
      executeCounting(
        managerOf(tx, this.dataSource),
        `UPDATE webhooks SET claim_owner = NULL, claim_expires_at = NULL WHERE claim_owner = ?` +
          ` AND id IN (${ids.map(() => '?').join(', ')})`,
        [owner, ...ids],
      ),
    );
  }

  /** Deletes delivery log rows attempted before `cutoff`, `batch` per statement. */
  async pruneDeliveries(cutoff: Date, batch: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const removed = await this.unitOfWork.run({ atomic: false }, async (tx) => {
        const manager = managerOf(tx, this.dataSource);
        const rows: RawRow[] = await manager.query(
          'SELECT id FROM webhook_deliveries WHERE attempted_at < ? LIMIT ?',
          [sqlInstant(cutoff), batch],
        );
        if (rows.length === 0) return 0;
        return executeCounting(
          manager,
          `DELETE FROM webhook_deliveries WHERE id IN (${rows.map(() => '?').join(', ')})`,
          rows.map((row) => String(row.id)),
        );
      });
      deleted += removed;
      if (removed < batch) return deleted;
    }
  }

  private async log(step: WebhookDeliveryStep, tx: Transaction): Promise<void> {
    if (step.attempts.length === 0) return;
    await managerOf(tx, this.dataSource)
      .createQueryBuilder()
      .insert()
      .into(WebhookDeliveryEntity)
      .values(step.attempts as never[])
      .updateEntity(false)
      .execute();
  }
}

function pickRandom<T>(items: T[], count: number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, count);
}
