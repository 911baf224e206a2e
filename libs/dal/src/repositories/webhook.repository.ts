import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { OneOrganization, OrganizationScope } from '@app/core';
import { lockRowForWrite } from '../dialect';
import { WebhookDeliveryEntity } from '../entities/webhook-delivery.entity';
import { WebhookEntity } from '../entities/webhook.entity';
import { applyKeyset, KeysetPage } from './keyset';
import { scopeCondition, whereInScope } from './organization-scope';
import { managerOf, Transaction } from '../unit-of-work/transaction';

/** What an API write may change of a subscription. */
export type WebhookChanges = Partial<
  Pick<
    WebhookEntity,
    | 'url'
    | 'types'
    | 'active'
    | 'updatedAt'
    | 'deliveredSequence'
    | 'attempts'
    | 'nextAttemptAt'
    | 'disabledAt'
    | 'disabledReason'
    | 'claimOwner'
    | 'claimExpiresAt'
  >
>;

/** Webhook subscriptions as the API manages them, and their delivery log, always scoped. */
@Injectable()
export class WebhookRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(scope: OneOrganization, webhook: WebhookEntity, tx: Transaction): Promise<void> {
    if (webhook.organizationId !== scope.organizationId) {
      throw new Error('A webhook outside its scope');
    }
    await managerOf(tx, this.dataSource).getRepository(WebhookEntity).insert(webhook);
  }

  async findById(
    scope: OrganizationScope,
    id: string,
    tx?: Transaction,
  ): Promise<WebhookEntity | null> {
    const query = managerOf(tx, this.dataSource)
      .getRepository(WebhookEntity)
      .createQueryBuilder('w')
      .where('w.id = :id', { id });
    return whereInScope(query, 'w', scope).getOne();
  }

  /** The row, locked for the rest of `tx` (writers of one subscription take turns). */
  async findForWrite(
    scope: OrganizationScope,
    id: string,
    tx: Transaction,
  ): Promise<WebhookEntity | null> {
    const inScope = scopeCondition(scope, 'organization_id');
    await lockRowForWrite(
      managerOf(tx, this.dataSource),
      'webhooks',
      `id = ? AND ${inScope.sql}`,
      [id, ...inScope.params],
      'attempts',
    );
    return this.findById(scope, id, tx);
  }

  /** Oldest first; `limit + 1` rows. */
  async list(scope: OrganizationScope, page: KeysetPage): Promise<WebhookEntity[]> {
    const query = this.dataSource.getRepository(WebhookEntity).createQueryBuilder('w');
    whereInScope(query, 'w', scope);
    return applyKeyset(query, 'w', page).getMany();
  }

  async update(
    scope: OneOrganization,
    id: string,
    changes: WebhookChanges,
    tx: Transaction,
  ): Promise<boolean> {
    const result = await managerOf(tx, this.dataSource)
      .getRepository(WebhookEntity)
      .update({ id, organizationId: scope.organizationId }, changes);
    return (result.affected ?? 0) > 0;
  }

  /** Deletes the subscription; its delivery log goes with it (foreign key cascade). */
  async delete(scope: OneOrganization, id: string, tx: Transaction): Promise<boolean> {
    const result = await managerOf(tx, this.dataSource)
      .getRepository(WebhookEntity)
      .delete({ id, organizationId: scope.organizationId });
    return (result.affected ?? 0) > 0;
  }

  /** Attempts of one subscription, newest first; `limit + 1` rows. */
  async deliveries(
    scope: OneOrganization,
    webhookId: string,
    page: KeysetPage,
  ): Promise<WebhookDeliveryEntity[]> {
    const query = this.dataSource
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .where('d.webhook_id = :webhookId AND d.organization_id = :organizationId', {
        webhookId,
        organizationId: scope.organizationId,
      });
    // The keyset helper orders by (created_at, id); a delivery's instant is attempted_at.
    if (page.after) {
      query.andWhere(
        '(d.attempted_at < :afterAt OR (d.attempted_at = :afterAt AND d.id < :afterId))',
        { afterAt: page.after.createdAt, afterId: page.after.id },
      );
    }
    return query
      .orderBy('d.attempted_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .limit(page.limit + 1)
      .getMany();
  }
}
