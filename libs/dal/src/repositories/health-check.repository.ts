import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsSelect, QueryDeepPartialEntity } from 'typeorm';
import {
  DiscoveredTool,
  McpProtocolEra,
  McpServerEntity,
  McpServerStatus,
} from '../entities/mcp-server.entity';
import { sqlInstant } from '../dialect';
import { utcDate } from '../entities/timestamp.transformer';
import type { OneOrganization, OrganizationScope } from '@app/core';
import { scopeCondition, updateInScope } from './organization-scope';
import { bumpRegistryRevision } from './registry-revision.repository';

/** What a probe needs of a server: where and how to connect, with its secrets still sealed. */
export type McpServerProbeTarget = Pick<
  McpServerEntity,
  | 'serverId'
  | 'organizationId'
  | 'transport'
  | 'specVersion'
  | 'authType'
  | 'url'
  | 'command'
  | 'args'
  | 'envSealed'
  | 'credentialsSealed'
  | 'version'
  | 'nextCheckAt'
  | 'updatedAt'
  | 'lastHealthCheck'
  | 'toolsFreshUntil'
>;

/** What one probe found, as the health columns store it. */
export interface McpServerProbeOutcome {
  status: McpServerStatus;
  error: string | null;
  latencyMs: number | null;
  /** The tools listed; null keeps the last discovered list (the probe listed nothing). */
  tools: DiscoveredTool[] | null;
  checkedAt: Date;
  /** What the probe agreed on with the server; null keeps the last known (it agreed on nothing). */
  protocol: { version: string; era: McpProtocolEra } | null;
  /** Whether the probe spoke HTTP+SSE; null keeps the stored value (the server was not probed). */
  transportDeprecated: boolean | null;
  /** Until when the listed tools are fresh by a modern server's hint; null when not reusable. */
  toolsFreshUntil: Date | null;
}

export interface McpServerHealthState {
  serverId: string;
  organizationId: string;
  status: McpServerStatus;
  lastHealthCheck: Date | null;
  healthCheckError: string | null;
  latencyMs: number | null;
  toolCount: number | null;
  consecutiveFailures: number;
}

/** One server: its id is unique inside its organization only. */
export interface McpServerRef {
  organizationId: string;
  serverId: string;
}

export interface McpServerClaim {
  /** Unique per claim batch, so reading back "rows claimed by me" is exact. */
  owner: string;
  now: Date;
  expiresAt: Date;
  limit: number;
}

export interface McpUnhealthyServer {
  serverId: string;
  organizationId: string;
  serverName: string;
  healthCheckError: string | null;
  lastHealthCheck: Date | null;
}

export interface McpHealthSummary {
  total: number;
  healthy: number;
  unhealthy: number;
  unknown: number;
  unhealthyServers: McpUnhealthyServer[];
}

const PROBE_TARGET_COLUMNS: FindOptionsSelect<McpServerEntity> = {
  serverId: true,
  organizationId: true,
  transport: true,
  specVersion: true,
  authType: true,
  url: true,
  command: true,
  args: true,
  envSealed: true,
  credentialsSealed: true,
  version: true,
  nextCheckAt: true,
  updatedAt: true,
  lastHealthCheck: true,
  toolsFreshUntil: true,
};

const HEALTH_STATE_COLUMNS: FindOptionsSelect<McpServerEntity> = {
  serverId: true,
  organizationId: true,
  status: true,
  lastHealthCheck: true,
  healthCheckError: true,
  latencyMs: true,
  toolCount: true,
  consecutiveFailures: true,
};

/** Candidates read per claim slot: replicas claiming at once then rarely pick the same rows. */
const CANDIDATE_SPREAD = 4;

type RawRow = Record<string, unknown>;

function toDate(value: unknown): Date | null {
  return utcDate.from(value as string | Date | null) as Date | null;
}

/**
 * Queries of the health checker on `mcp_servers`: probe targets, probe results, the claims (short
 * leases, renewed while a probe runs) that let any number of replicas share the background
 * checks, and the organization summary. The claim is two portable statements (select
 * candidates, then a conditional UPDATE that only succeeds on rows still unclaimed and due), so
 * MySQL and SQLite behave the same.
 */
@Injectable()
export class HealthCheckRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findProbeTarget(
    scope: OneOrganization,
    serverId: string,
  ): Promise<McpServerProbeTarget | null> {
    return this.dataSource.getRepository(McpServerEntity).findOne({
      select: PROBE_TARGET_COLUMNS,
      where: { organizationId: scope.organizationId, serverId },
    });
  }

  /** Stores an on-demand probe's result; null when the server is gone. */
  async recordProbe(
    scope: OneOrganization,
    serverId: string,
    outcome: McpServerProbeOutcome,
  ): Promise<McpServerHealthState | null> {
    const { organizationId } = scope;
    return this.inTurn(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(McpServerEntity)
        .set(healthColumns(outcome))
        .where('server_id = :serverId AND organization_id = :organizationId', {
          serverId,
          organizationId,
        })
        .execute();
      if ((result.affected ?? 0) === 0) return null;
      await bumpRegistryRevision(manager, scope);
      return this.healthState(scope, serverId, manager);
    });
  }

  async healthState(
    scope: OneOrganization,
    serverId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<McpServerHealthState | null> {
    return manager.getRepository(McpServerEntity).findOne({
      select: HEALTH_STATE_COLUMNS,
      where: { organizationId: scope.organizationId, serverId },
    });
  }

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

    const claimed = await this.inTurn(async (manager) => {
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
    return this.inTurn(async (manager) => {
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
    return this.inTurn(async (manager) => {
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
    return this.inTurn(async (manager) => {
      let total = 0;
      for (const owner of owners) total += await this.release(manager, scope, owner, servers);
      return total;
    });
  }

  /** Status counts of the servers whose checks are enabled, and the unhealthy ones by name. */
  async summary(scope: OrganizationScope, unhealthyLimit: number): Promise<McpHealthSummary> {
    const inScope = scopeCondition(scope, 's.organization_id');
    const counts: RawRow[] = await this.dataSource.query(
      'SELECT s.status, COUNT(*) AS n FROM mcp_servers s' +
        ` WHERE ${inScope.sql} AND s.health_check_enabled = 1 GROUP BY s.status`,
      inScope.params,
    );
    const summary: McpHealthSummary = {
      total: 0,
      healthy: 0,
      unhealthy: 0,
      unknown: 0,
      unhealthyServers: [],
    };
    for (const row of counts) {
      const n = Number(row.n);
      summary.total += n;
      if (row.status === 'healthy' || row.status === 'unhealthy') summary[row.status] += n;
      else summary.unknown += n;
    }
    if (summary.unhealthy === 0) return summary;
    const unhealthy: RawRow[] = await this.dataSource.query(
      'SELECT s.server_id, s.organization_id, s.server_name, s.health_check_error,' +
        ' s.last_health_check FROM mcp_servers s' +
        ` WHERE ${inScope.sql} AND s.health_check_enabled = 1 AND s.status = 'unhealthy'` +
        ' ORDER BY s.server_name, s.server_id LIMIT ?',
      [...inScope.params, unhealthyLimit],
    );
    summary.unhealthyServers = unhealthy.map((row) => ({
      serverId: String(row.server_id),
      organizationId: String(row.organization_id),
      serverName: String(row.server_name),
      healthCheckError: (row.health_check_error as string | null) ?? null,
      lastHealthCheck: toDate(row.last_health_check),
    }));
    return summary;
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

  /**
   * On SQLite, writes run as transactions, which the app's DataSource makes take turns on the one
   * shared connection: a bare statement issued while another request's transaction is open would
   * silently become part of it (and vanish with its rollback). MySQL pools connections, and every
   * statement here is correct on its own (the claim's read-back is keyed by its unique owner), so
   * they run as they are: the checker's throughput is bound by these round trips.
   */
  private inTurn<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.options.type === 'better-sqlite3'
      ? this.dataSource.transaction(work)
      : work(this.dataSource.manager);
  }
}

function healthColumns(outcome: McpServerProbeOutcome): QueryDeepPartialEntity<McpServerEntity> {
  const columns: QueryDeepPartialEntity<McpServerEntity> = {
    status: outcome.status,
    healthCheckError: outcome.error,
    latencyMs: outcome.latencyMs,
    lastHealthCheck: outcome.checkedAt,
    toolsFreshUntil: outcome.toolsFreshUntil,
  };
  if (outcome.tools !== null) {
    columns.discoveredTools = outcome.tools;
    columns.toolCount = outcome.tools.length;
  }
  if (outcome.protocol !== null) {
    columns.protocolVersion = outcome.protocol.version;
    columns.protocolEra = outcome.protocol.era;
  }
  if (outcome.transportDeprecated !== null) {
    columns.transportDeprecated = outcome.transportDeprecated;
  }
  if (outcome.status === 'healthy') columns.consecutiveFailures = 0;
  else if (outcome.status === 'unhealthy') {
    columns.consecutiveFailures = () => 'consecutive_failures + 1';
  }
  return columns;
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
