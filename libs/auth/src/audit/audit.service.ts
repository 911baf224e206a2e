import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { newId } from '@app/core';
import { AuditEventEntity } from '@app/dal';
import type { Principal } from '../principal';

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId: string;
  organizationId: string | null;
  /** Field names and non-secret values; secrets are summarised as "(changed)" by the caller. */
  changes?: Record<string, unknown>;
}

/** Records who did what. Pass the transaction's manager so the event commits with the write. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(
    principal: Principal,
    entry: AuditEntry,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    // updateEntity(false): the row is complete as written, so no read-back after the INSERT.
    await manager
      .createQueryBuilder()
      .insert()
      .into(AuditEventEntity)
      .values({
        id: newId('evt'),
        organizationId: entry.organizationId,
        actorKeyId: principal.keyId,
        actorUserId: principal.userId,
        action: entry.action,
        resourceType: entry.resourceType,
        resourceId: entry.resourceId,
        requestId: principal.requestId,
        // A JSON column; TypeORM's deep-partial type cannot express a document of unknown values.
        changes: (entry.changes ?? null) as QueryDeepPartialEntity<AuditEventEntity>['changes'],
        createdAt: new Date(),
      })
      .updateEntity(false)
      .execute();
  }
}
