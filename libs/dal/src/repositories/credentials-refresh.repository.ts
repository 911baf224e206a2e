import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '@app/core';
import type { OneOrganization } from '@app/core';
import { sqlInstant } from '../dialect';
import { utcDate } from '../entities/timestamp.transformer';
import { OWNER_TABLES } from './owner-tables';
import { managerOf, Transaction } from '../unit-of-work/transaction';
import { UnitOfWork } from '../unit-of-work/unit-of-work';
import { appendAuditEvent } from './audit-event.repository';

/** The rows whose sealed credentials can hold OAuth tokens that renew themselves. */
export type RefreshableCredentialsKind = 'mcp_server' | 'mcp_configuration';

export interface RefreshableCredentialsRef {
  kind: RefreshableCredentialsKind;
  scope: OneOrganization;
  /** `server_id` or the configuration's `id`. */
  id: string;
}

export interface StoredCredentials {
  sealed: string | null;
  /** The refresh lease: who holds it and until when (null when nobody refreshes). */
  refreshOwner: string | null;
  refreshUntil: Date | null;
}

export interface RefreshedCredentials {
  /** The ciphertext the refresh started from: the write happens only while it is still stored. */
  expectedSealed: string;
  sealed: string;
  /** Recorded as `credentials.refreshed` in the same transaction (no secret in it). */
  auditChanges: Record<string, unknown>;
}

export const CREDENTIALS_REFRESHED = 'credentials.refreshed';

/**
 * Compare-and-swap on a row's sealed credentials, for OAuth refreshes shared by any number of
 * replicas. A refresher first takes a short lease, only while the ciphertext it read is still
 * stored and no live lease exists; only the lease holder calls the token endpoint, so a refresh
 * token is spent once. The new credentials are written only over that same ciphertext (an edit
 * made meanwhile wins) and the `credentials.refreshed` audit event commits with them. Everyone
 * else re-reads and uses what the winner stored. Nothing else of the row moves (version,
 * updated_at, the registry's masked field names): a refresh is not an edit, so ETags, caches
 * and a checker's claim on the row stay valid.
 */
@Injectable()
export class CredentialsRefreshRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async read(ref: RefreshableCredentialsRef): Promise<StoredCredentials | null> {
    const { table, idColumn, live } = OWNER_TABLES[ref.kind];
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT credentials_sealed, credentials_refresh_owner, credentials_refresh_until FROM ${table}` +
        ` WHERE ${idColumn} = ? AND organization_id = ?${live}`,
      [ref.id, ref.scope.organizationId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      sealed: (row.credentials_sealed as string | null) ?? null,
      refreshOwner: (row.credentials_refresh_owner as string | null) ?? null,
      refreshUntil: utcDate.from(
        row.credentials_refresh_until as string | Date | null,
      ) as Date | null,
    };
  }

  /** Takes the refresh lease; false when the credentials changed or someone else holds it. */
  async claim(
    ref: RefreshableCredentialsRef,
    lease: { expectedSealed: string; owner: string; now: Date; until: Date },
  ): Promise<boolean> {
    const { idColumn, live } = OWNER_TABLES[ref.kind];
    return this.update(
      ref,
      { credentialsRefreshOwner: lease.owner, credentialsRefreshUntil: lease.until },
      `${idColumn} = :id AND organization_id = :organizationId${live}` +
        ' AND credentials_sealed = :expectedSealed' +
        ' AND (credentials_refresh_until IS NULL OR credentials_refresh_until < :now)',
      { expectedSealed: lease.expectedSealed, now: sqlInstant(lease.now) },
    );
  }

  /**
   * Stores refreshed credentials over the ciphertext the refresh started from and ends any
   * lease; false when the row changed meanwhile (nothing written, no audit event).
   */
  async complete(
    ref: RefreshableCredentialsRef,
    refreshed: RefreshedCredentials,
  ): Promise<boolean> {
    const { idColumn, live } = OWNER_TABLES[ref.kind];
    const set: Record<string, unknown> = {
      credentialsSealed: refreshed.sealed,
      credentialsRefreshOwner: null,
      credentialsRefreshUntil: null,
    };
    return this.unitOfWork.run(async (tx) => {
      const written = await this.update(
        ref,
        set,
        `${idColumn} = :id AND organization_id = :organizationId${live}` +
          ' AND credentials_sealed = :expectedSealed',
        { expectedSealed: refreshed.expectedSealed },
        tx,
      );
      if (!written) return false;
      await appendAuditEvent(managerOf(tx, this.dataSource), {
        id: newId('evt'),
        organizationId: ref.scope.organizationId,
        actorKeyId: null,
        actorUserId: null,
        action: CREDENTIALS_REFRESHED,
        resourceType: ref.kind,
        resourceId: ref.id,
        requestId: null,
        changes: refreshed.auditChanges,
        createdAt: new Date(),
      });
      return true;
    });
  }

  /** Gives the lease back after a failed refresh, so another attempt need not wait it out. */
  async release(ref: RefreshableCredentialsRef, owner: string): Promise<void> {
    const { idColumn } = OWNER_TABLES[ref.kind];
    await this.update(
      ref,
      { credentialsRefreshOwner: null, credentialsRefreshUntil: null },
      `${idColumn} = :id AND organization_id = :organizationId AND credentials_refresh_owner = :owner`,
      { owner },
    );
  }

  private async update(
    ref: RefreshableCredentialsRef,
    set: Record<string, unknown>,
    where: string,
    params: Record<string, unknown>,
    tx?: Transaction,
  ): Promise<boolean> {
    // One statement, correct on its own: outside a transaction it need not be atomic with anything.
    const run = async (unit: Transaction) => {
      const result = await managerOf(unit, this.dataSource)
        .createQueryBuilder()
        .update(OWNER_TABLES[ref.kind].entity)
        .set(set)
        .where(where, { id: ref.id, organizationId: ref.scope.organizationId, ...params })
        .execute();
      return (result.affected ?? 0) > 0;
    };
    return tx ? run(tx) : this.unitOfWork.run({ atomic: false }, run);
  }
}
