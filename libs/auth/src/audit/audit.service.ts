import { Injectable } from '@nestjs/common';
import { newId } from '@app/core';
import { AuditEventRepository, Transaction } from '@app/dal';
import type { Principal } from '../principal';

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId: string;
  organizationId: string | null;
  /** Field names and non-secret values; secrets are summarised as "(changed)" by the caller. */
  changes?: Record<string, unknown>;
}

/** Records who did what. Pass the write's transaction so the event commits with the write. */
@Injectable()
export class AuditService {
  constructor(private readonly events: AuditEventRepository) {}

  async record(principal: Principal, entry: AuditEntry, tx?: Transaction): Promise<void> {
    await this.events.insert(
      {
        id: newId('evt'),
        organizationId: entry.organizationId,
        actorKeyId: principal.keyId,
        actorUserId: principal.userId,
        action: entry.action,
        resourceType: entry.resourceType,
        resourceId: entry.resourceId,
        requestId: principal.requestId,
        changes: entry.changes ?? null,
        createdAt: new Date(),
      },
      tx,
    );
  }
}
