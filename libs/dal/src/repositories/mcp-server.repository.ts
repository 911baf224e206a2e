import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AllOrganizations, ConflictError, OneOrganization, OrganizationScope } from '@app/core';
import { lockRowForWrite } from '../dialect';
import {
  DiscoveredTool,
  McpServerEntity,
  McpServerStatus,
  McpServerInfo,
} from '../entities/mcp-server.entity';
import { McpServerAccessGroupEntity } from '../entities/mcp-server-access-group.entity';
import { foldName, nameKeyOf } from '../entities/name-key';
import { utcDate } from '../entities/timestamp.transformer';
import { keysetCondition, SqlCondition } from './keyset';
import { scopeCondition } from './organization-scope';
import { bumpRegistryRevision } from './registry-revision.repository';

/**
 * Which servers of an organization a reader may see (API.md §2): all of them, or those without
 * access groups plus those sharing one of `accessGroups`.
 */
export type ServerVisibility = { wholeOrganization: true } | { accessGroups: readonly string[] };

/** A server as reads return it: no sealed values, no tool cache, no checker bookkeeping. */
export type McpServerView = Omit<
  McpServerEntity,
  | 'serverNameKey'
  | 'aliasKey'
  | 'envSealed'
  | 'credentialsSealed'
  | 'discoveredTools'
  | 'nextCheckAt'
  | 'claimOwner'
  | 'claimExpiresAt'
>;

export interface ServerTeam {
  teamId: string;
  name: string;
}

/** A server's access groups and the teams of its organization granting any of them. */
export interface ServerReach {
  accessGroups: string[];
  teams: ServerTeam[];
}

export interface McpServerListFilter {
  accessGroup?: string;
  status?: McpServerStatus;
}

export interface McpServerPage {
  /** Rows to return; one more is fetched to tell whether there is a next page. */
  limit: number;
  /**
   * The last row of the previous page. A server_id is unique per organization only, so a list
   * over every organization breaks ties on the organization too.
   */
  after?: { createdAt: Date; serverId: string; organizationId?: string };
}

export interface McpServerHealthView {
  serverId: string;
  organizationId: string;
  status: McpServerStatus;
  lastHealthCheck: Date | null;
  healthCheckError: string | null;
  latencyMs: number | null;
}

export interface McpServerToolsView {
  serverId: string;
  allowedTools: string[];
  discoveredTools: DiscoveredTool[] | null;
  lastHealthCheck: Date | null;
}

/** Columns a write sets; id, organization and creation never change. */
export type McpServerChanges = Omit<
  McpServerEntity,
  | 'serverId'
  | 'organizationId'
  | 'createdAt'
  | 'createdBy'
  | 'version'
  | 'status'
  | 'lastHealthCheck'
  | 'healthCheckError'
  | 'toolCount'
  | 'latencyMs'
  | 'consecutiveFailures'
  | 'discoveredTools'
  | 'claimOwner'
  | 'claimExpiresAt'
>;

export type McpServerConflictField = 'server_id' | 'server_name' | 'alias';

/** Server names are unique per organization regardless of case (`nameKeyOf`, as every name). */
export function serverNameKeyOf(serverName: string): string {
  return nameKeyOf(serverName);
}

/** Aliases too; they are short ASCII, so the folded alias itself is the key. */
export function aliasKeyOf(alias: string): string {
  return foldName(alias);
}

/** A server's identity: its id is unique inside its organization only. */
export function serverKey(organizationId: string, serverId: string): string {
  return `${organizationId}/${serverId}`;
}

const VIEW_COLUMNS = [
  'server_id',
  'organization_id',
  'server_name',
  'alias',
  'description',
  'transport',
  'spec_version',
  'auth_type',
  'url',
  'mcp_info',
  'command',
  'args',
  'env_keys',
  'credential_keys',
  'allowed_tools',
  'has_access_groups',
  'health_check_enabled',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'version',
  'status',
  'last_health_check',
  'health_check_error',
  'tool_count',
  'latency_ms',
  'consecutive_failures',
]
  .map((column) => `s.${column}`)
  .join(', ');

type RawRow = Record<string, unknown>;

function parseJson<T>(value: unknown, fallback: T): T {
  return typeof value === 'string' && value.length > 0 ? (JSON.parse(value) as T) : fallback;
}

function toDate(value: unknown): Date | null {
  return utcDate.from(value as string | Date | null) as Date | null;
}

function toIntOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function toView(row: RawRow): McpServerView {
  return {
    serverId: String(row.server_id),
    organizationId: String(row.organization_id),
    serverName: String(row.server_name),
    alias: String(row.alias),
    description: (row.description as string | null) ?? null,
    transport: row.transport as McpServerView['transport'],
    specVersion: row.spec_version as McpServerView['specVersion'],
    authType: row.auth_type as McpServerView['authType'],
    url: (row.url as string | null) ?? null,
    mcpInfo: parseJson<McpServerInfo>(row.mcp_info, {
      server_name: null,
      description: null,
      logo_url: null,
      mcp_server_cost_info: { default_cost_per_query: 0, tool_name_to_cost_per_query: {} },
    }),
    command: (row.command as string | null) ?? null,
    args: parseJson<string[]>(row.args, []),
    envKeys: parseJson<string[]>(row.env_keys, []),
    credentialKeys: parseJson<string[] | null>(row.credential_keys, null),
    allowedTools: parseJson<string[]>(row.allowed_tools, []),
    hasAccessGroups: Number(row.has_access_groups) === 1,
    healthCheckEnabled: Number(row.health_check_enabled) === 1,
    createdAt: toDate(row.created_at) as Date,
    createdBy: String(row.created_by),
    updatedAt: toDate(row.updated_at) as Date,
    updatedBy: String(row.updated_by),
    version: Number(row.version),
    status: row.status as McpServerStatus,
    lastHealthCheck: toDate(row.last_health_check),
    healthCheckError: (row.health_check_error as string | null) ?? null,
    toolCount: toIntOrNull(row.tool_count),
    latencyMs: toIntOrNull(row.latency_ms),
    consecutiveFailures: Number(row.consecutive_failures ?? 0),
  };
}

/** The view of a row just written, without reading it back. */
export function viewOfEntity(server: McpServerEntity): McpServerView {
  return {
    serverId: server.serverId,
    organizationId: server.organizationId,
    serverName: server.serverName,
    alias: server.alias,
    description: server.description,
    transport: server.transport,
    specVersion: server.specVersion,
    authType: server.authType,
    url: server.url,
    mcpInfo: server.mcpInfo,
    command: server.command,
    args: server.args,
    envKeys: server.envKeys,
    credentialKeys: server.credentialKeys,
    allowedTools: server.allowedTools,
    hasAccessGroups: server.hasAccessGroups,
    healthCheckEnabled: server.healthCheckEnabled,
    createdAt: server.createdAt,
    createdBy: server.createdBy,
    updatedAt: server.updatedAt,
    updatedBy: server.updatedBy,
    version: server.version,
    status: server.status,
    lastHealthCheck: server.lastHealthCheck,
    healthCheckError: server.healthCheckError,
    toolCount: server.toolCount,
    latencyMs: server.latencyMs,
    consecutiveFailures: server.consecutiveFailures,
  };
}

/** The instant format TypeORM writes datetime columns in; MySQL parses it, SQLite compares it. */
function sqlInstant(value: Date): string {
  return value.toISOString().replace('T', ' ').replace('Z', '');
}

function placeholders(count: number): string {
  return new Array(count).fill('?').join(', ');
}

/**
 * The WHERE clause on `s` for a reader: its organization scope, then what it may see. Access
 * group visibility exists only inside one organization (members and viewers have one).
 */
function readableCondition(
  scope: OrganizationScope,
  visibility: ServerVisibility,
): { sql: string; params: unknown[] } {
  const inScope = scopeCondition(scope, 's.organization_id');
  if ('wholeOrganization' in visibility) return inScope;
  if (scope.kind === 'all') {
    throw new Error('access-group visibility needs a single organization scope');
  }
  if (visibility.accessGroups.length === 0) {
    return { sql: `${inScope.sql} AND s.has_access_groups = 0`, params: inScope.params };
  }
  return {
    sql:
      `${inScope.sql} AND (s.has_access_groups = 0 OR s.server_id IN (SELECT g.server_id FROM mcp_server_access_groups g` +
      ` WHERE g.organization_id = ? AND g.access_group IN (${placeholders(visibility.accessGroups.length)})))`,
    params: [...inScope.params, scope.organizationId, ...visibility.accessGroups],
  };
}

/**
 * Rows of `alias` after the cursor in (created_at, server_id[, organization_id]) order; the
 * access-group index keeps the server's creation time as `server_created_at`.
 */
function afterCursor(
  scope: OrganizationScope,
  page: McpServerPage,
  alias: string,
  createdAtColumn = 'created_at',
): SqlCondition {
  if (!page.after) return { sql: '', params: [] };
  const at = sqlInstant(page.after.createdAt);
  const { serverId, organizationId } = page.after;
  if (scope.kind === 'all') {
    return keysetCondition(
      [`${alias}.${createdAtColumn}`, `${alias}.server_id`, `${alias}.organization_id`],
      [at, serverId, organizationId ?? ''],
    );
  }
  return keysetCondition([`${alias}.${createdAtColumn}`, `${alias}.server_id`], [at, serverId]);
}

function filterCondition(filter: McpServerListFilter): { sql: string; params: unknown[] } {
  let sql = '';
  const params: unknown[] = [];
  if (filter.accessGroup !== undefined) {
    sql +=
      ' AND s.server_id IN (SELECT f.server_id FROM mcp_server_access_groups f' +
      ' WHERE f.organization_id = s.organization_id AND f.access_group = ?)';
    params.push(filter.accessGroup);
  }
  if (filter.status !== undefined) {
    sql += ' AND s.status = ?';
    params.push(filter.status);
  }
  return { sql, params };
}

/** A member's or viewer's group read in one organization, when the fast path applies. */
function groupReader(
  scope: OrganizationScope,
  visibility: ServerVisibility,
  filter: McpServerListFilter,
): { organizationId: string; accessGroups: readonly string[] } | null {
  if ('wholeOrganization' in visibility || scope.kind === 'all') return null;
  if (visibility.accessGroups.length === 0 || filter.accessGroup !== undefined) return null;
  return { organizationId: scope.organizationId, accessGroups: visibility.accessGroups };
}

function statusCondition(filter: McpServerListFilter): { sql: string; params: unknown[] } {
  return filter.status === undefined
    ? { sql: '', params: [] }
    : { sql: ' AND x.status = ?', params: [filter.status] };
}

function conflictFieldOf(error: unknown): McpServerConflictField | null {
  const candidate = error as { code?: unknown; message?: unknown; driverError?: unknown };
  const driver = (candidate?.driverError ?? candidate) as { code?: unknown; message?: unknown };
  const code = String(driver?.code ?? candidate?.code ?? '');
  if (
    !['ER_DUP_ENTRY', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'].includes(code)
  ) {
    return null;
  }
  const message = String(driver?.message ?? candidate?.message ?? '');
  if (message.includes('server_name_key')) return 'server_name';
  if (message.includes('alias_key')) return 'alias';
  return 'server_id';
}

export function mcpServerConflictError(field: McpServerConflictField): ConflictError {
  return new ConflictError(`A server with this ${field} already exists in the organization`, field);
}

/** The only place queries on `mcp_servers` live; every method is organization-scoped. */
@Injectable()
export class McpServerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction (the AppDataSource makes them take turns on SQLite). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The server of `organizationId` if the reader may see it. */
  async findVisible(
    scope: OneOrganization,
    visibility: ServerVisibility,
    serverId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<McpServerView | null> {
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
      // Members and viewers: the servers without groups, and the servers of each of their groups,
      // are each a bounded read of one index range in list order (at most one page each),
      // merged here; never a walk over the organization or over a whole group.
      const take = page.limit + 1;
      const keyset = afterCursor(scope, page, 'x');
      const ungroupedStatus = filter.status === undefined ? '' : ' AND x.status = ?';
      const branches = [
        `SELECT server_id FROM (SELECT x.server_id FROM mcp_servers x` +
          ` WHERE x.organization_id = ? AND x.has_access_groups = 0${ungroupedStatus}${keyset.sql}` +
          ` ORDER BY x.created_at, x.server_id LIMIT ?) b0`,
      ];
      const params: unknown[] = [
        groups.organizationId,
        ...(filter.status === undefined ? [] : [filter.status]),
        ...keyset.params,
        take,
      ];
      const groupKeyset = afterCursor(scope, page, 'g', 'server_created_at');
      // With a status filter the group's range is read in order until a page of matches is found.
      const statusJoin =
        filter.status === undefined
          ? ''
          : ' JOIN mcp_servers x ON x.server_id = g.server_id' +
            ' AND x.organization_id = g.organization_id AND x.status = ?';
      groups.accessGroups.forEach((accessGroup, index) => {
        branches.push(
          `SELECT server_id FROM (SELECT g.server_id FROM mcp_server_access_groups g${statusJoin}` +
            ` WHERE g.organization_id = ? AND g.access_group = ?${groupKeyset.sql}` +
            ` ORDER BY g.server_created_at, g.server_id LIMIT ?) b${index + 1}`,
        );
        params.push(
          ...(filter.status === undefined ? [] : [filter.status]),
          groups.organizationId,
          accessGroup,
          ...groupKeyset.params,
          take,
        );
      });
      const sql =
        `SELECT ${VIEW_COLUMNS} FROM mcp_servers s JOIN (${branches.join(' UNION ')}) v` +
        ` ON v.server_id = s.server_id AND s.organization_id = ?` +
        ` ORDER BY s.created_at, s.server_id LIMIT ?`;
      params.push(groups.organizationId, take);
      const rows: RawRow[] = await this.dataSource.query(sql, params);
      return rows.map(toView);
    }
    const readable = readableCondition(scope, visibility);
    const filtered = filterCondition(filter);
    let sql = `SELECT ${VIEW_COLUMNS} FROM mcp_servers s WHERE ${readable.sql}${filtered.sql}`;
    const params: unknown[] = [...readable.params, ...filtered.params];
    const keyset = afterCursor(scope, page, 's');
    sql += keyset.sql;
    params.push(...keyset.params);
    sql += ` ORDER BY s.created_at, s.server_id${scope.kind === 'all' ? ', s.organization_id' : ''} LIMIT ?`;
    params.push(page.limit + 1);
    const rows: RawRow[] = await this.dataSource.query(sql, params);
    return rows.map(toView);
  }

  async countVisible(
    scope: OrganizationScope,
    visibility: ServerVisibility,
    filter: McpServerListFilter,
  ): Promise<number> {
    const groups = groupReader(scope, visibility, filter);
    if (groups) {
      // The two sets are disjoint (has_access_groups tells them apart), so their counts add up.
      const status = statusCondition(filter);
      const rows: RawRow[] = await this.dataSource.query(
        `SELECT (SELECT COUNT(*) FROM mcp_servers x WHERE x.organization_id = ? AND x.has_access_groups = 0${status.sql})` +
          ` + (SELECT COUNT(*) FROM (SELECT DISTINCT g.server_id FROM mcp_server_access_groups g` +
          ` JOIN mcp_servers x ON x.server_id = g.server_id AND x.organization_id = g.organization_id` +
          ` WHERE g.organization_id = ?` +
          ` AND g.access_group IN (${placeholders(groups.accessGroups.length)})${status.sql}) d) AS total`,
        [
          groups.organizationId,
          ...status.params,
          groups.organizationId,
          ...groups.accessGroups,
          ...status.params,
        ],
      );
      return Number(rows[0]?.total ?? 0);
    }
    const readable = readableCondition(scope, visibility);
    const filtered = filterCondition(filter);
    const rows: RawRow[] = await this.dataSource.query(
      `SELECT COUNT(*) AS total FROM mcp_servers s WHERE ${readable.sql}${filtered.sql}`,
      [...readable.params, ...filtered.params],
    );
    return Number(rows[0]?.total ?? 0);
  }

  /**
   * Access groups and reaching teams (teams of the server's organization granting one of its
   * groups) of several servers, in one query, keyed by `serverKey(organization, server id)`.
   */
  async reachOf(
    scope: OrganizationScope,
    serverIds: readonly string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, ServerReach>> {
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
    let sql =
      'SELECT s.server_id, s.organization_id, s.status, s.last_health_check,' +
      ' s.health_check_error, s.latency_ms' +
      ` FROM mcp_servers s WHERE ${readable.sql}`;
    const params: unknown[] = [...readable.params];
    if (serverIds !== undefined) {
      sql += ` AND s.server_id IN (${placeholders(serverIds.length)})`;
      params.push(...serverIds);
    }
    sql += ' ORDER BY s.created_at, s.server_id, s.organization_id';
    const rows: RawRow[] = await this.dataSource.query(sql, params);
    return rows.map((row) => ({
      serverId: String(row.server_id),
      organizationId: String(row.organization_id),
      status: row.status as McpServerStatus,
      lastHealthCheck: toDate(row.last_health_check),
      healthCheckError: (row.health_check_error as string | null) ?? null,
      latencyMs: toIntOrNull(row.latency_ms),
    }));
  }

  async toolsOfVisible(
    scope: OneOrganization,
    visibility: ServerVisibility,
    serverId: string,
  ): Promise<McpServerToolsView | null> {
    const readable = readableCondition(scope, visibility);
    const rows: RawRow[] = await this.dataSource.query(
      'SELECT s.server_id, s.allowed_tools, s.discovered_tools, s.last_health_check' +
        ` FROM mcp_servers s WHERE s.server_id = ? AND ${readable.sql}`,
      [serverId, ...readable.params],
    );
    if (rows.length === 0) return null;
    return {
      serverId: String(rows[0].server_id),
      allowedTools: parseJson<string[]>(rows[0].allowed_tools, []),
      discoveredTools: parseJson<DiscoveredTool[] | null>(rows[0].discovered_tools, null),
      lastHealthCheck: toDate(rows[0].last_health_check),
    };
  }

  /**
   * The whole row, sealed values included, locked for the write in progress (`manager` must be
   * in a transaction): concurrent writers of the server queue here, so each one reads the row the
   * previous one committed and what it checks holds until it commits.
   */
  async findForWrite(
    scope: OneOrganization,
    serverId: string,
    manager: EntityManager,
  ): Promise<McpServerEntity | null> {
    const { organizationId } = scope;
    await lockRowForWrite(
      manager,
      'mcp_servers',
      'server_id = ? AND organization_id = ?',
      [serverId, organizationId],
      'version',
    );
    return manager.getRepository(McpServerEntity).findOne({ where: { organizationId, serverId } });
  }

  /**
   * Which unique values of the organization are taken (server id, name, alias) by another server
   * than `exceptServerId`. Other organizations' servers never conflict, so a 409 says nothing
   * about them.
   */
  async findConflicts(
    scope: OneOrganization,
    candidate: { serverId: string; serverNameKey: string; aliasKey: string },
    exceptServerId: string | null,
    manager: EntityManager,
  ): Promise<McpServerConflictField[]> {
    const rows: RawRow[] = await manager.query(
      'SELECT server_id, server_name_key, alias_key FROM mcp_servers' +
        ' WHERE organization_id = ? AND (server_id = ? OR server_name_key = ? OR alias_key = ?)',
      [scope.organizationId, candidate.serverId, candidate.serverNameKey, candidate.aliasKey],
    );
    const fields = new Set<McpServerConflictField>();
    for (const row of rows) {
      const id = String(row.server_id);
      if (id === exceptServerId) continue;
      if (id === candidate.serverId) fields.add('server_id');
      if (row.server_name_key === candidate.serverNameKey) fields.add('server_name');
      if (row.alias_key === candidate.aliasKey) fields.add('alias');
    }
    return (['server_id', 'server_name', 'alias'] as const).filter((field) => fields.has(field));
  }

  /**
   * Inserts the server into the scope's organization with its access groups; a unique clash
   * becomes a 409 naming the field.
   */
  async insert(
    scope: OneOrganization,
    server: McpServerEntity,
    accessGroups: readonly string[],
    manager: EntityManager,
  ): Promise<void> {
    try {
      // Every column is given, so TypeORM's read-back of defaulted columns is skipped.
      await manager
        .createQueryBuilder()
        .insert()
        .into(McpServerEntity)
        .values({ ...server, organizationId: scope.organizationId })
        .updateEntity(false)
        .execute();
    } catch (error) {
      const field = conflictFieldOf(error);
      if (field) throw mcpServerConflictError(field);
      throw error;
    }
    await this.insertGroups(scope, server.serverId, server.createdAt, accessGroups, manager);
    await bumpRegistryRevision(manager, scope);
  }

  /**
   * Replaces the server's columns and access groups if it is still at `expectedVersion`, bumping
   * the version; false when it changed (or vanished) meanwhile. The version check is part of the
   * UPDATE itself, so two writers holding the same version cannot both succeed.
   */
  async updateIfVersion(
    scope: OneOrganization,
    serverId: string,
    createdAt: Date,
    expectedVersion: number,
    changes: McpServerChanges,
    accessGroups: readonly string[],
    manager: EntityManager,
  ): Promise<boolean> {
    const { organizationId } = scope;
    let affected: number;
    try {
      const result = await manager
        .createQueryBuilder()
        .update(McpServerEntity)
        .set({ ...changes, version: () => 'version + 1' })
        .where('server_id = :serverId AND organization_id = :organizationId', {
          serverId,
          organizationId,
        })
        .andWhere('version = :expectedVersion', { expectedVersion })
        .execute();
      affected = result.affected ?? 0;
    } catch (error) {
      const field = conflictFieldOf(error);
      if (field) throw mcpServerConflictError(field);
      throw error;
    }
    if (affected === 0) return false;
    await manager.getRepository(McpServerAccessGroupEntity).delete({ organizationId, serverId });
    await this.insertGroups(scope, serverId, createdAt, accessGroups, manager);
    await bumpRegistryRevision(manager, scope);
    return true;
  }

  /** Deletes the server; its access-group rows go with it (foreign key cascade). */
  async delete(scope: OneOrganization, serverId: string, manager: EntityManager): Promise<boolean> {
    const result = await manager
      .getRepository(McpServerEntity)
      .delete({ organizationId: scope.organizationId, serverId });
    if ((result.affected ?? 0) === 0) return false;
    await bumpRegistryRevision(manager, scope);
    return true;
  }

  private async insertGroups(
    scope: OneOrganization,
    serverId: string,
    serverCreatedAt: Date,
    accessGroups: readonly string[],
    manager: EntityManager,
  ): Promise<void> {
    if (accessGroups.length === 0) return;
    await manager
      .createQueryBuilder()
      .insert()
      .into(McpServerAccessGroupEntity)
      .values(
        accessGroups.map((accessGroup) => ({
          serverId,
          organizationId: scope.organizationId,
          accessGroup,
          serverCreatedAt,
        })),
      )
      .updateEntity(false)
      .execute();
  }
}
