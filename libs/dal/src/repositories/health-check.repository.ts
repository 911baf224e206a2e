import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, FindOptionsSelect, QueryDeepPartialEntity } from 'typeorm';
import type { OneOrganization, OrganizationScope } from '@app/core';
import {
  DiscoveredTool,
  McpProtocolEra,
  McpServerEntity,
  McpServerStatus,
} from '../entities/mcp-server.entity';
import { utcDate } from '../entities/timestamp.transformer';
import { lockRowForWrite } from '../dialect';
import { NO_DRIFT } from '../entities/tool-drift';
import type { McpServerHealthView } from './mcp-server/mcp-server.types';
import { scopeCondition } from './organization-scope';
import { bumpRegistryRevision } from './registry-revision.repository';
import { managerOf, Transaction } from '../unit-of-work/transaction';
import { UnitOfWork } from '../unit-of-work/unit-of-work';

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
  | 'toolsFingerprint'
  | 'toolsDigest'
  | 'toolsDrift'
>;

/** What one probe found, as the health columns store it. */
export interface McpServerProbeOutcome {
  status: McpServerStatus;
  error: string | null;
  /** The failure kind (README failure kinds); null after a healthy probe. */
  errorKind: string | null;
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

/** A server's health as a probe leaves it: the health view plus the checker's counters. */
export interface McpServerHealthState extends McpServerHealthView {
  healthCheckErrorKind: string | null;
  toolCount: number | null;
  consecutiveFailures: number;
  toolsFingerprint: string | null;
  toolsDrift: string | null;
  driftDetectedAt: Date | null;
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
  healthCheckErrorKind: string | null;
  lastHealthCheck: Date | null;
}

export interface McpHealthSummary {
  total: number;
  healthy: number;
  /** Without `ignoreAuthFailures`, the auth failures are counted (and listed) here too. */
  unhealthy: number;
  unknown: number;
  /** Unhealthy because OAuth failed or expired (AUTH_FAILURE_KINDS). */
  authFailures: number;
  unhealthyServers: McpUnhealthyServer[];
  /** Servers whose tools differ from their approved baseline (whatever their status). */
  drifted: number;
}

/** Failure kinds that say the server's authorization failed, not the server itself. */
export const AUTH_FAILURE_KINDS = ['auth_failed', 'auth_expired'] as const;
const AUTH_FAILURE_SQL = `s.health_check_error_kind IN ('${AUTH_FAILURE_KINDS.join("', '")}')`;
const DRIFT_SQL = `s.tools_drift IS NOT NULL AND s.tools_drift <> '${NO_DRIFT}'`;

export const PROBE_TARGET_COLUMNS: FindOptionsSelect<McpServerEntity> = {
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
  toolsFingerprint: true,
  toolsDigest: true,
  toolsDrift: true,
};

const HEALTH_STATE_COLUMNS: FindOptionsSelect<McpServerEntity> = {
  serverId: true,
  organizationId: true,
  status: true,
  lastHealthCheck: true,
  healthCheckError: true,
  healthCheckErrorKind: true,
  latencyMs: true,
  toolCount: true,
  consecutiveFailures: true,
  toolsFingerprint: true,
  toolsDrift: true,
  driftDetectedAt: true,
};

type RawRow = Record<string, unknown>;

function toDate(value: unknown): Date | null {
  return utcDate.from(value as string | Date | null) as Date | null;
}

/**
 * The health columns of `mcp_servers`: what a probe needs of a server, an on-demand probe's
 * result, a server's health state and the organization summary. The background checker's claims
 * are McpServerClaimRepository's.
 */
@Injectable()
export class HealthCheckRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
  ) {}

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
    return this.unitOfWork.run({ atomic: false }, async (tx) => {
      const manager = managerOf(tx, this.dataSource);
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
      return this.healthState(scope, serverId, tx);
    });
  }

  /**
   * The server's status, its row locked for the rest of `tx` (so what a probe result replaces is
   * what was read: a status transition is seen by exactly one writer); null when it is gone.
   */
  async statusForWrite(
    scope: OneOrganization,
    serverId: string,
    tx: Transaction,
  ): Promise<McpServerStatus | null> {
    const manager = managerOf(tx, this.dataSource);
    await lockRowForWrite(
      manager,
      'mcp_servers',
      'server_id = ? AND organization_id = ?',
      [serverId, scope.organizationId],
      'status',
    );
    const row = await manager.getRepository(McpServerEntity).findOne({
      select: { status: true },
      where: { organizationId: scope.organizationId, serverId },
    });
    return row?.status ?? null;
  }

  async healthState(
    scope: OneOrganization,
    serverId: string,
    tx?: Transaction,
  ): Promise<McpServerHealthState | null> {
    return managerOf(tx, this.dataSource)
      .getRepository(McpServerEntity)
      .findOne({
        select: HEALTH_STATE_COLUMNS,
        where: { organizationId: scope.organizationId, serverId },
      });
  }

  /**
   * Status counts of the servers whose checks are enabled, and the unhealthy ones by name. With
   * `ignoreAuthFailures`, servers unhealthy for an OAuth failure count only in `authFailures`.
   */
  async summary(
    scope: OrganizationScope,
    unhealthyLimit: number,
    options: { ignoreAuthFailures?: boolean } = {},
  ): Promise<McpHealthSummary> {
    const inScope = scopeCondition(scope, 's.organization_id');
    const counts: RawRow[] = await this.dataSource.query(
      `SELECT s.status, CASE WHEN ${AUTH_FAILURE_SQL} THEN 1 ELSE 0 END AS auth,` +
        ` SUM(CASE WHEN ${DRIFT_SQL} THEN 1 ELSE 0 END) AS drifted, COUNT(*) AS n` +
        ` FROM mcp_servers s WHERE ${inScope.sql} AND s.health_check_enabled = 1` +
        ' GROUP BY s.status, auth',
      inScope.params,
    );
    const summary: McpHealthSummary = {
      total: 0,
      healthy: 0,
      unhealthy: 0,
      unknown: 0,
      authFailures: 0,
      unhealthyServers: [],
      drifted: 0,
    };
    for (const row of counts) {
      const n = Number(row.n);
      summary.total += n;
      summary.drifted += Number(row.drifted ?? 0);
      const authFailure = row.status === 'unhealthy' && Number(row.auth) === 1;
      if (authFailure) summary.authFailures += n;
      if (authFailure && options.ignoreAuthFailures) continue;
      if (row.status === 'healthy' || row.status === 'unhealthy') summary[row.status] += n;
      else summary.unknown += n;
    }
    if (summary.unhealthy === 0) return summary;
    const notAuth = options.ignoreAuthFailures
      ? ` AND (s.health_check_error_kind IS NULL OR NOT ${AUTH_FAILURE_SQL})`
      : '';
    const unhealthy: RawRow[] = await this.dataSource.query(
      'SELECT s.server_id, s.organization_id, s.server_name, s.health_check_error,' +
        ' s.health_check_error_kind, s.last_health_check FROM mcp_servers s' +
        ` WHERE ${inScope.sql} AND s.health_check_enabled = 1 AND s.status = 'unhealthy'${notAuth}` +
        ' ORDER BY s.server_name, s.server_id LIMIT ?',
      [...inScope.params, unhealthyLimit],
    );
    summary.unhealthyServers = unhealthy.map((row) => ({
      serverId: String(row.server_id),
      organizationId: String(row.organization_id),
      serverName: String(row.server_name),
      healthCheckError: (row.health_check_error as string | null) ?? null,
      healthCheckErrorKind: (row.health_check_error_kind as string | null) ?? null,
      lastHealthCheck: toDate(row.last_health_check),
    }));
    return summary;
  }
}

export function healthColumns(
  outcome: McpServerProbeOutcome,
): QueryDeepPartialEntity<McpServerEntity> {
  const columns: QueryDeepPartialEntity<McpServerEntity> = {
    status: outcome.status,
    healthCheckError: outcome.error,
    healthCheckErrorKind: outcome.errorKind,
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
