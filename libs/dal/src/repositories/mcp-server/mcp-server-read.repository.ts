import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AllOrganizations, OneOrganization, OrganizationScope } from '@app/core';
import type { DiscoveredTool, McpServerStatus } from '../../entities/mcp-server.entity';
import { fromJsonColumn } from '../../entities/json-column';
import { utcDate } from '../../entities/timestamp.transformer';
import { scopeCondition } from '../organization-scope';
import { toView, VIEW_COLUMNS } from './mcp-server.columns';
import {
  afterCursor,
  filterCondition,
  groupCountQuery,
  groupPageQuery,
  groupReader,
  placeholders,
  readableCondition,
} from './mcp-server.sql';
import {
  McpServerHealthView,
  McpServerListFilter,
  McpServerPage,
  McpServerToolsView,
  McpServerView,
  serverKey,
  ServerReach,
  ServerVisibility,
} from './mcp-server.types';
import { managerOf, Transaction } from '../../unit-of-work/transaction';

type RawRow = Record<string, unknown>;

function toDate(value: unknown): Date | null {
  return utcDate.from(value as string | Date | null) as Date | null;
}

/**
 * Reads of registry servers, each for a reader: the organization scope first, then what the
 * reader may see (its visibility). No business rule lives here.
 */
@Injectable()
export class McpServerReadRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The server if the reader may see it (`tx`: read inside a write's unit of work). */
  async findVisible(
    scope: OneOrganization,
    visibility: ServerVisibility,
    serverId: string,
    tx?: Transaction,
  ): Promise<McpServerView | null> {
    const manager = managerOf(tx, this.dataSource);
    const readable = readableCondition(scope, visibility);
    const rows: RawRow[] = await manager.query(
      `SELECT ${VIEW_COLUMNS} FROM mcp_servers s WHERE s.server_id = ? AND ${readable.sql}`,
      [serverId, ...readable.params],
    );
    return rows.length > 0 ? toView(rows[0]) : null;
  }

  /**
   * The organizations holding a server with this id, at most `limit` of them (platform admins
   * name a server by id alone; the id is unique per organization only). Only a caller holding
   * every organization may ask: the scope is the proof.
   */
  async organizationsOfServerId(
    _scope: AllOrganizations,
    serverId: string,
    limit: number,
  ): Promise<string[]> {
    const rows: RawRow[] = await this.dataSource.query(
      'SELECT organization_id FROM mcp_servers WHERE server_id = ? ORDER BY organization_id LIMIT ?',
      [serverId, limit],
    );
    return rows.map((row) => String(row.organization_id));
  }

  /** Visible servers in (created_at, server_id) order; fetches `limit + 1` rows. */
  async listVisible(
    scope: OrganizationScope,
    visibility: ServerVisibility,
    filter: McpServerListFilter,
    page: McpServerPage,
  ): Promise<McpServerView[]> {
    const groups = groupReader(scope, visibility, filter);
    if (groups) {
      const query = groupPageQuery(scope, groups, filter, page);
      const rows: RawRow[] = await this.dataSource.query(query.sql, query.params);
      return rows.map(toView);
    }
    const readable = readableCondition(scope, visibility);
    const filtered = filterCondition(filter);
    const keyset = afterCursor(scope, page, 's');
    const tieBreak = scope.kind === 'all' ? ', s.organization_id' : '';
    const rows: RawRow[] = await this.dataSource.query(
      `SELECT ${VIEW_COLUMNS} FROM mcp_servers s WHERE ${readable.sql}${filtered.sql}${keyset.sql}` +
        ` ORDER BY s.created_at, s.server_id${tieBreak} LIMIT ?`,
      [...readable.params, ...filtered.params, ...keyset.params, page.limit + 1],
    );
    return rows.map(toView);
  }

  async countVisible(
    scope: OrganizationScope,
    visibility: ServerVisibility,
    filter: McpServerListFilter,
  ): Promise<number> {
    const groups = groupReader(scope, visibility, filter);
    let query;
    if (groups) {
      query = groupCountQuery(groups, filter);
    } else {
      const readable = readableCondition(scope, visibility);
      const filtered = filterCondition(filter);
      query = {
        sql: `SELECT COUNT(*) AS total FROM mcp_servers s WHERE ${readable.sql}${filtered.sql}`,
        params: [...readable.params, ...filtered.params],
      };
    }
    const rows: RawRow[] = await this.dataSource.query(query.sql, query.params);
    return Number(rows[0]?.total ?? 0);
  }

  /**
   * Access groups and reaching teams (teams of the server's organization granting one of its
   * groups) of several servers, in one query, keyed by `serverKey(organization, server id)`.
   */
  async reachOf(
    scope: OrganizationScope,
    serverIds: readonly string[],
    tx?: Transaction,
  ): Promise<Map<string, ServerReach>> {
    const manager = managerOf(tx, this.dataSource);
    const reach = new Map<string, ServerReach>();
    if (serverIds.length === 0) return reach;
    const inScope = scopeCondition(scope, 'g.organization_id');
    const rows: RawRow[] = await manager.query(
      'SELECT g.server_id, g.organization_id, g.access_group, t.id AS team_id, t.name AS team_name' +
        ' FROM mcp_server_access_groups g' +
        ' LEFT JOIN team_access_groups tg' +
        ' ON tg.organization_id = g.organization_id AND tg.access_group = g.access_group' +
        ' LEFT JOIN teams t ON t.id = tg.team_id AND t.organization_id = g.organization_id' +
        ` WHERE g.server_id IN (${placeholders(serverIds.length)}) AND ${inScope.sql}`,
      [...serverIds, ...inScope.params],
    );
    const teamsSeen = new Map<string, Set<string>>();
    for (const row of rows) {
      const key = serverKey(String(row.organization_id), String(row.server_id));
      let entry = reach.get(key);
      if (!entry) {
        entry = { accessGroups: [], teams: [] };
        reach.set(key, entry);
        teamsSeen.set(key, new Set());
      }
      const group = String(row.access_group);
      if (!entry.accessGroups.includes(group)) entry.accessGroups.push(group);
      const seen = teamsSeen.get(key)!;
      if (row.team_id !== null && row.team_id !== undefined && !seen.has(String(row.team_id))) {
        seen.add(String(row.team_id));
        entry.teams.push({ teamId: String(row.team_id), name: String(row.team_name) });
      }
    }
    for (const entry of reach.values()) {
      entry.accessGroups.sort();
      entry.teams.sort((a, b) =>
        a.name === b.name ? (a.teamId < b.teamId ? -1 : 1) : a.name < b.name ? -1 : 1,
      );
    }
    return reach;
  }

  /** The reach of one server of the organization; undefined when it has no access group. */
  async reachOfOne(
    scope: OneOrganization,
    serverId: string,
    tx?: Transaction,
  ): Promise<ServerReach | undefined> {
    const reach = await this.reachOf(scope, [serverId], tx);
    return reach.get(serverKey(scope.organizationId, serverId));
  }

  /** Sorted distinct access groups of the servers the reader may see. */
  async visibleAccessGroups(
    scope: OrganizationScope,
    visibility: ServerVisibility,
  ): Promise<string[]> {
    const readable = readableCondition(scope, visibility);
    const rows: RawRow[] = await this.dataSource.query(
      'SELECT DISTINCT a.access_group FROM mcp_server_access_groups a' +
        ' JOIN mcp_servers s ON s.server_id = a.server_id AND s.organization_id = a.organization_id' +
        ` WHERE ${readable.sql}`,
      readable.params,
    );
    return rows.map((row) => String(row.access_group)).sort();
  }

  /** Health of the visible servers among `serverIds` (all visible servers when undefined). */
  async healthOfVisible(
    scope: OrganizationScope,
    visibility: ServerVisibility,
    serverIds: readonly string[] | undefined,
  ): Promise<McpServerHealthView[]> {
    if (serverIds !== undefined && serverIds.length === 0) return [];
    const readable = readableCondition(scope, visibility);
    const named =
      serverIds === undefined ? '' : ` AND s.server_id IN (${placeholders(serverIds.length)})`;
    const rows: RawRow[] = await this.dataSource.query(
      'SELECT s.server_id, s.organization_id, s.status, s.last_health_check,' +
        ' s.health_check_error, s.latency_ms' +
        ` FROM mcp_servers s WHERE ${readable.sql}${named}` +
        ' ORDER BY s.created_at, s.server_id, s.organization_id',
      [...readable.params, ...(serverIds ?? [])],
    );
    return rows.map((row) => ({
      serverId: String(row.server_id),
      organizationId: String(row.organization_id),
      status: row.status as McpServerStatus,
      lastHealthCheck: toDate(row.last_health_check),
      healthCheckError: (row.health_check_error as string | null) ?? null,
      latencyMs:
        row.latency_ms === null || row.latency_ms === undefined ? null : Number(row.latency_ms),
    }));
  }

  async toolsOfVisible(
    scope: OneOrganization,
    visibility: ServerVisibility,
    serverId: string,
  ): Promise<McpServerToolsView | null> {
    const readable = readableCondition(scope, visibility);
    const rows: RawRow[] = await this.dataSource.query(
      'SELECT s.server_id, s.allowed_tools, s.discovered_tools, s.last_health_check, s.tools_drift' +
        ` FROM mcp_servers s WHERE s.server_id = ? AND ${readable.sql}`,
      [serverId, ...readable.params],
    );
    if (rows.length === 0) return null;
    return {
      serverId: String(rows[0].server_id),
      allowedTools: fromJsonColumn<string[]>(rows[0].allowed_tools) ?? [],
      discoveredTools: fromJsonColumn<DiscoveredTool[]>(rows[0].discovered_tools),
      lastHealthCheck: toDate(rows[0].last_health_check),
      toolsDrift: (rows[0].tools_drift as string | null) ?? null,
    };
  }
}
