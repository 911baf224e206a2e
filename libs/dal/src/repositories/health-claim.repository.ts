import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { OneOrganization, OrganizationScope } from '@app/core';
import { sqlInstant } from '../dialect';
import { McpServerEntity } from '../entities/mcp-server.entity';
import {
  healthColumns,
  McpServerClaim,
  McpServerProbeOutcome,
  McpServerProbeTarget,
  McpServerRef,
  PROBE_TARGET_COLUMNS,
} from './health-check.repository';
import { scopeCondition, updateInScope } from './organization-scope';
import { bumpRegistryRevision } from './registry-revision.repository';
import { managerOf } from '../unit-of-work/transaction';
import { UnitOfWork } from '../unit-of-work/unit-of-work';

/** Candidates read per claim slot: replicas claiming at once then rarely pick the same rows. */
const CANDIDATE_SPREAD = 4;

type RawRow = Record<string, unknown>;

/**
 * The background checker's claims on `mcp_servers`: short leases, renewed while a probe runs,
 * that let any number of replicas share the checks, and the claimed probe's result. A claim is
 * two portable statements (select candidates, then a conditional UPDATE that only succeeds on
 * rows still unclaimed and due), so MySQL and SQLite behave the same.
 */
@Injectable()
export class McpServerClaimRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /**
   * Claims up to `claim.limit` due servers (checks enabled, next check due, no live claim) for
   * `claim.owner` until `claim.expiresAt`, and returns them. `candidates` tells whether due
   * servers existed at all, so a caller that lost every row to another replica can try again.
   */
  async claimDue(
    scope: OrganizationScope,
    claim: McpServerClaim,
  ): Promise<{ claimed: McpServerProbeTarget[]; candidates: number }> {
    const inScope = scopeCondition(scope, 's.organization_id');
    const now = sqlInstant(claim.now);
    const rows: RawRow[] = await this.dataSource.query(
      'SELECT s.server_id, s.organization_id FROM mcp_servers s' +
        ` WHERE ${inScope.sql} AND s.health_check_enabled = 1` +
        ' AND (s.next_check_at IS NULL OR s.next_check_at <= ?)' +
        ' AND (s.claim_expires_at IS NULL OR s.claim_expires_at < ?)' +
        ' ORDER BY s.next_check_at LIMIT ?',
      [...inScope.params, now, now, claim.limit * CANDIDATE_SPREAD],
    );
    if (rows.length === 0) return { claimed: [], candidates: 0 };
    const picked = pickRandom(
      rows.map((row) => ({
        serverId: String(row.server_id),
        organizationId: String(row.organization_id),
      })),
      claim.limit,
    );
    const chosen = refsCondition(picked);

    const claimed = await this.unitOfWork.run({ atomic: false }, async (tx) => {
      const manager = managerOf(tx, this.dataSource);
      const update = manager
        .createQueryBuilder()
        .update(McpServerEntity)
        .set({ claimOwner: claim.owner, claimExpiresAt: claim.expiresAt })
        .where(chosen.sql, chosen.params)
        .andWhere('health_check_enabled = 1')
        .andWhere('(claim_expires_at IS NULL OR claim_expires_at < :now)', { now })
        .andWhere('(next_check_at IS NULL OR next_check_at <= :now)', { now });
      const result = await updateInScope(update, scope).execute();
      if ((result.affected ?? 0) === 0) return [];
      // Read back by primary key: claim_owner has no index, and a scan per claim would cost a
      // full table read for every probe slot that frees up.
      return manager.getRepository(McpServerEntity).find({
        select: PROBE_TARGET_COLUMNS,
        where: picked.map((ref) => ({ ...ref, claimOwner: claim.owner })),
      });
    });
    return { claimed, candidates: rows.length };
  }

  /**
   * Writes a background probe's result, schedules the next check and ends the claim, only while
   * `owner` still holds it. A server changed since it was claimed (another version) gets no stale
   * result: its claim is just released and it stays due for a fresh check.
   */
  async completeClaimed(
    scope: OneOrganization,
    serverId: string,
    claim: { owner: string; version: number },
    outcome: McpServerProbeOutcome,
    nextCheckAt: Date,
  ): Promise<'written' | 'changed' | 'lost'> {
    const { organizationId } = scope;
    return this.unitOfWork.run({ atomic: false }, async (tx) => {
      const manager = managerOf(tx, this.dataSource);
      const written = await manager
        .createQueryBuilder()
        .update(McpServerEntity)
        .set({ ...healthColumns(outcome), nextCheckAt, claimOwner: null, claimExpiresAt: null })
        .where('server_id = :serverId AND organization_id = :organizationId', {
          serverId,
          organizationId,
        })
        .andWhere('claim_owner = :owner AND version = :version', {
          owner: claim.owner,
          version: claim.version,
        })
        .execute();
      if ((written.affected ?? 0) > 0) {
        await bumpRegistryRevision(manager, scope);
        return 'written';
      }
      const released = await this.release(manager, scope, claim.owner, [
        { organizationId, serverId },
      ]);
      return released > 0 ? 'changed' : 'lost';
    });
  }

  /**
   * Extends the leases of claims still held: each of `servers` keeps its claim until `expiresAt`
   * only while `owner` still holds it (a lapsed claim another replica took stays theirs). Keyed
   * by primary key, as claim_owner has no index.
   */
  async renewClaims(
    claims: readonly { owner: string; servers: readonly McpServerRef[] }[],
    expiresAt: Date,
  ): Promise<number> {
    const held = claims.filter((claim) => claim.servers.length > 0);
    if (held.length === 0) return 0;
    return this.unitOfWork.run({ atomic: false }, async (tx) => {
      const manager = managerOf(tx, this.dataSource);
      let renewed = 0;
      for (const claim of held) {
        const chosen = refsCondition(claim.servers);
        const result = await manager
          .createQueryBuilder()
          .update(McpServerEntity)
          .set({ claimExpiresAt: expiresAt })
          .where(chosen.sql, chosen.params)
          .andWhere('claim_owner = :owner', { owner: claim.owner })
          .execute();
        renewed += result.affected ?? 0;
      }
      return renewed;
    });
  }

  /** Ends claims of `owners` (on `servers` when given) without recording anything. */
  async releaseClaims(
    scope: OrganizationScope,
    owners: readonly string[],
    servers?: readonly McpServerRef[],
  ): Promise<number> {
    if (owners.length === 0 || servers?.length === 0) return 0;
    return this.unitOfWork.run({ atomic: false }, async (tx) => {
      const manager = managerOf(tx, this.dataSource);
      let total = 0;
      for (const owner of owners) total += await this.release(manager, scope, owner, servers);
      return total;
    });
  }

  private async release(
    manager: EntityManager,
    scope: OrganizationScope,
    owner: string,
    servers?: readonly McpServerRef[],
  ): Promise<number> {
    const update = manager
      .createQueryBuilder()
      .update(McpServerEntity)
      .set({ claimOwner: null, claimExpiresAt: null })
      .where('claim_owner = :owner', { owner });
    if (servers) {
      const chosen = refsCondition(servers);
      update.andWhere(chosen.sql, chosen.params);
    }
    const result = await updateInScope(update, scope).execute();
    return result.affected ?? 0;
  }
}

/** `(server_id, organization_id)` is one of `refs`, as named parameters (an OR of key lookups). */
function refsCondition(refs: readonly McpServerRef[]): {
  sql: string;
  params: Record<string, string>;
} {
  const params: Record<string, string> = {};
  const terms = refs.map((ref, index) => {
    params[`refServer${index}`] = ref.serverId;
    params[`refOrganization${index}`] = ref.organizationId;
    return `(server_id = :refServer${index} AND organization_id = :refOrganization${index})`;
  });
  return { sql: `(${terms.join(' OR ')})`, params };
}

function pickRandom<T>(items: T[], count: number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, count);
}
