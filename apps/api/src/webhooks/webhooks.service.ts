import { Inject, Injectable } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  decodeCursor,
  DEFAULT_PAGE_LIMIT,
  GoneError,
  newId,
  NotFoundError,
  OneOrganization,
  organizationOfRow,
  Page,
  PageQueryDto,
  toPage,
  ValidationError,
} from '@app/core';
import { AuditService, OrganizationScopeResolver, Principal } from '@app/auth';
import { SecretBox } from '@app/crypto';
import {
  EventRepository,
  SEALED_RESOURCE_TYPES,
  Transaction,
  UnitOfWork,
  WebhookChanges,
  WebhookDeliveryEntity,
  WebhookEntity,
  WebhookRepository,
} from '@app/dal';
import {
  EventSequencer,
  generateWebhookSecret,
  typePatternProblem,
  WebhookDeliverer,
  webhookUrlProblem,
} from '@app/events';
import { ListWebhooksQueryDto } from './dto/list-webhooks-query.dto';
import type { CreateWebhookDto } from './dto/create-webhook.dto';
import type { RedeliverWebhookDto } from './dto/redeliver-webhook.dto';
import type { UpdateWebhookDto } from './dto/update-webhook.dto';

const RESOURCE = 'webhook';

export interface CreatedWebhook {
  webhook: WebhookEntity;
  /** The signing secret, returned once and stored only sealed. */
  secret: string;
}

/**
 * Webhook subscriptions of an organization (org admins): the URL vetted like a probe target,
 * the signing secret generated, shown once and sealed, every change audited. A new subscription
 * receives the events committed after it; a redeliver resumes a failed or disabled one (or
 * rewinds it to a stored sequence).
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly webhooks: WebhookRepository,
    private readonly events: EventRepository,
    private readonly scopes: OrganizationScopeResolver,
    private readonly secretBox: SecretBox,
    private readonly audit: AuditService,
    private readonly deliverer: WebhookDeliverer,
    private readonly sequencer: EventSequencer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(principal: Principal, dto: CreateWebhookDto): Promise<CreatedWebhook> {
    const scope = await this.scopes.createScope(principal, dto.organization_id, 'webhooks');
    const types = this.checked(dto.url, dto.types);
    const id = newId('whk');
    const secret = generateWebhookSecret();
    const now = new Date();
    const webhook: WebhookEntity = {
      id,
      organizationId: scope.organizationId,
      url: dto.url,
      types,
      secretSealed: this.secretBox.seal(secret, {
        resourceType: SEALED_RESOURCE_TYPES.webhookSecret,
        resourceId: id,
        organizationId: scope.organizationId,
      }),
      active: dto.active ?? true,
      createdBy: principal.userId ?? principal.keyId,
      createdAt: now,
      updatedAt: now,
      deliveredSequence: 0,
      attempts: 0,
      nextAttemptAt: null,
      claimOwner: null,
      claimExpiresAt: null,
      disabledAt: null,
      disabledReason: null,
    };
    // Events from now on: what committed before the subscription is numbered first (it is in
    // the feed), so the subscription starts after it.
    await this.sequencer.sequence(scope.organizationId);
    await this.unitOfWork.run(async (tx) => {
      webhook.deliveredSequence = await this.events.horizonIn(scope, tx);
      await this.webhooks.insert(scope, webhook, tx);
      await this.record(
        principal,
        'webhook.create',
        webhook,
        { url: webhook.url, types, active: webhook.active },
        tx,
      );
    });
    return { webhook, secret };
  }

  async list(principal: Principal, query: ListWebhooksQueryDto): Promise<Page<WebhookEntity>> {
    const scope = await this.scopes.listScope(principal, query.organization_id);
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.webhooks.list(scope, { limit, after: decodeCursor(query.cursor) });
    return toPage(rows, limit, (row) => row);
  }

  async get(principal: Principal, id: string): Promise<WebhookEntity> {
    const webhook = await this.webhooks.findById(this.recordScope(principal), id);
    if (!webhook) throw new NotFoundError('Webhook');
    return webhook;
  }

  /** Replaces URL, types and active; making a disabled subscription active resumes it. */
  async update(principal: Principal, id: string, dto: UpdateWebhookDto): Promise<WebhookEntity> {
    const types = this.checked(dto.url, dto.types);
    const active = dto.active ?? true;
    const updated = await this.write(principal, id, async (webhook, owner, tx) => {
      const changes: WebhookChanges = {
        url: dto.url,
        types,
        active,
        updatedAt: new Date(),
        ...unclaimed(),
      };
      if (active && !webhook.active) Object.assign(changes, resumed());
      await this.webhooks.update(owner, id, changes, tx);
      await this.record(principal, 'webhook.update', webhook, { url: dto.url, types, active }, tx);
      return { ...webhook, ...changes };
    });
    this.deliverer.kick();
    return updated;
  }

  async remove(principal: Principal, id: string): Promise<void> {
    await this.write(principal, id, async (webhook, owner, tx) => {
      await this.webhooks.delete(owner, id, tx);
      await this.record(principal, 'webhook.delete', webhook, { url: webhook.url }, tx);
      return webhook;
    });
  }

  /**
   * Resumes deliveries now: the failed event is tried again at once with a fresh attempt count
   * and a disabled subscription is active again; with `after`, every stored event after that
   * sequence is delivered again (or skipped up to it).
   */
  async redeliver(
    principal: Principal,
    id: string,
    dto: RedeliverWebhookDto,
  ): Promise<WebhookEntity> {
    const updated = await this.write(principal, id, async (webhook, owner, tx) => {
      const changes: WebhookChanges = {
        ...resumed(),
        ...unclaimed(),
        active: true,
        updatedAt: new Date(),
      };
      if (dto.after !== undefined) {
        await this.assertStored(owner, dto.after);
        changes.deliveredSequence = dto.after;
      }
      await this.webhooks.update(owner, id, changes, tx);
      await this.record(
        principal,
        'webhook.redeliver',
        webhook,
        { after: dto.after ?? webhook.deliveredSequence, was_active: webhook.active },
        tx,
      );
      return { ...webhook, ...changes };
    });
    this.deliverer.kick();
    return updated;
  }

  async deliveries(
    principal: Principal,
    id: string,
    query: PageQueryDto,
  ): Promise<Page<WebhookDeliveryEntity>> {
    const webhook = await this.get(principal, id);
    const owner = organizationOfRow(this.recordScope(principal), webhook);
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.webhooks.deliveries(owner, id, {
      limit,
      after: decodeCursor(query.cursor),
    });
    return toPage(rows, limit, (row) => ({ createdAt: row.attemptedAt, id: row.id }));
  }

  private async write<T>(
    principal: Principal,
    id: string,
    work: (webhook: WebhookEntity, owner: OneOrganization, tx: Transaction) => Promise<T>,
  ): Promise<T> {
    const scope = this.recordScope(principal);
    return this.unitOfWork.run(async (tx) => {
      const webhook = await this.webhooks.findForWrite(scope, id, tx);
      if (!webhook) throw new NotFoundError('Webhook');
      return work(webhook, organizationOfRow(scope, webhook), tx);
    });
  }

  /** A sequence the feed still has events after (or the last one): else 410 or 400. */
  private async assertStored(owner: OneOrganization, after: number) {
    const read = await this.events.read(owner, { after, limit: 1 });
    if (after > read.horizon) {
      throw ValidationError.field(
        'after',
        `is past the organization's last event (${read.horizon})`,
      );
    }
    const firstStored = read.oldest ?? read.horizon + 1;
    if (!read.contiguous && after < firstStored - 1) {
      throw new GoneError('EVENTS_PRUNED', `Events after sequence ${after} were pruned`, {
        oldest_sequence: read.oldest,
        last_sequence: read.horizon,
        resume_after: firstStored - 1,
      });
    }
  }

  /** The URL under the target policy and the types, or a 400 naming the field. */
  private checked(url: string, types: string[] | undefined): string[] {
    const problem = webhookUrlProblem(url, {
      allowLoopback: this.config.mcp.allowLoopback,
      denyPrivateNetworks: this.config.mcp.denyPrivateNetworks,
    });
    if (problem) throw ValidationError.field('url', problem);
    const patterns = [...new Set(types ?? [])];
    for (const [index, pattern] of patterns.entries()) {
      const typeProblem = typePatternProblem(pattern);
      if (typeProblem) throw ValidationError.field(`types[${index}]`, typeProblem);
    }
    return patterns;
  }

  private recordScope(principal: Principal) {
    return this.scopes.recordScope(principal, undefined, 'Webhook');
  }

  private async record(
    principal: Principal,
    action: string,
    webhook: WebhookEntity,
    changes: Record<string, unknown>,
    tx: Transaction,
  ): Promise<void> {
    await this.audit.record(
      principal,
      {
        action,
        resourceType: RESOURCE,
        resourceId: webhook.id,
        organizationId: webhook.organizationId,
        changes,
      },
      tx,
    );
  }
}

/** A fresh start for the event after the cursor: no failed attempt, due now, not disabled. */
function resumed(): WebhookChanges {
  return { attempts: 0, nextAttemptAt: null, disabledAt: null, disabledReason: null };
}

/**
 * Ends a running delivery's claim: its conditional writes then change nothing (it cannot move
 * the cursor back over a redeliver's `after`, nor keep the old URL), and the next claim starts
 * from what this write left. What it had sent but not yet recorded is sent again (same ids).
 */
function unclaimed(): WebhookChanges {
  return { claimOwner: null, claimExpiresAt: null };
}
