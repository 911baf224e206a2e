import type { OrganizationScope } from '@app/core';
import { sqlInstant } from '../../dialect';
import { NO_DRIFT } from '../../entities/tool-drift';
import { keysetCondition, SqlCondition } from '../keyset';
import { scopeCondition } from '../organization-scope';
import { VIEW_COLUMNS } from './mcp-server.columns';
import type { McpServerListFilter, McpServerPage, ServerVisibility } from './mcp-server.types';

/** The SQL of the reads of `mcp_servers` (alias `s`): who may see what, filters, paging. */

/** A piece of SQL with its `?` parameters. */
export interface SqlText {
  sql: string;
  params: unknown[];
}

export function placeholders(count: number): string {
  return new Array(count).fill('?').join(', ');
}

/**
 * The WHERE clause on `s` for a reader: its organization scope, then what it may see. Access
 * group visibility exists only inside one organization (members and viewers have one).
 */
export function readableCondition(scope: OrganizationScope, visibility: ServerVisibility): SqlText {
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
export function afterCursor(
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

export function filterCondition(filter: McpServerListFilter): SqlText {
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
  if (filter.toolsDrift === 'any') {
    sql += ` AND s.tools_drift IS NOT NULL AND s.tools_drift <> '${NO_DRIFT}'`;
  } else if (filter.toolsDrift === NO_DRIFT) {
    sql += ' AND s.tools_drift = ?';
    params.push(NO_DRIFT);
  } else if (filter.toolsDrift !== undefined) {
    // Kind names are not part of one another (encodeToolsDrift), so a LIKE finds exactly them.
    sql += ' AND s.tools_drift LIKE ?';
    params.push(`%${filter.toolsDrift}%`);
  }
  return { sql, params };
}

/** A member's or viewer's read of its groups in one organization, when the fast path applies. */
export interface GroupReader {
  organizationId: string;
  accessGroups: readonly string[];
}

export function groupReader(
  scope: OrganizationScope,
  visibility: ServerVisibility,
  filter: McpServerListFilter,
): GroupReader | null {
  if ('wholeOrganization' in visibility || scope.kind === 'all') return null;
  if (visibility.accessGroups.length === 0 || filter.accessGroup !== undefined) return null;
  // The drift filter is a rare review query: the general read serves it.
  if (filter.toolsDrift !== undefined) return null;
  return { organizationId: scope.organizationId, accessGroups: visibility.accessGroups };
}

/**
 * A group reader's page: the servers without groups, and the servers of each of its groups, are
 * each a bounded read of one index range in list order (at most one page each), merged by a
 * UNION; never a walk over the organization or over a whole group.
 */
export function groupPageQuery(
  scope: OrganizationScope,
  groups: GroupReader,
  filter: McpServerListFilter,
  page: McpServerPage,
): SqlText {
  const take = page.limit + 1;
  const status = filter.status === undefined ? [] : [filter.status];
  const keyset = afterCursor(scope, page, 'x');
  const branches = [
    `SELECT server_id FROM (SELECT x.server_id FROM mcp_servers x` +
      ` WHERE x.organization_id = ? AND x.has_access_groups = 0${status.length ? ' AND x.status = ?' : ''}${keyset.sql}` +
      ` ORDER BY x.created_at, x.server_id LIMIT ?) b0`,
  ];
  const params: unknown[] = [groups.organizationId, ...status, ...keyset.params, take];
  const groupKeyset = afterCursor(scope, page, 'g', 'server_created_at');
  // With a status filter the group's range is read in order until a page of matches is found.
  const statusJoin = status.length
    ? ' JOIN mcp_servers x ON x.server_id = g.server_id' +
      ' AND x.organization_id = g.organization_id AND x.status = ?'
    : '';
  groups.accessGroups.forEach((accessGroup, index) => {
    branches.push(
      `SELECT server_id FROM (SELECT g.server_id FROM mcp_server_access_groups g${statusJoin}` +
        ` WHERE g.organization_id = ? AND g.access_group = ?${groupKeyset.sql}` +
        ` ORDER BY g.server_created_at, g.server_id LIMIT ?) b${index + 1}`,
    );
    params.push(...status, groups.organizationId, accessGroup, ...groupKeyset.params, take);
  });
  params.push(groups.organizationId, take);
  return {
    sql:
      `SELECT ${VIEW_COLUMNS} FROM mcp_servers s JOIN (${branches.join(' UNION ')}) v` +
      ` ON v.server_id = s.server_id AND s.organization_id = ?` +
      ` ORDER BY s.created_at, s.server_id LIMIT ?`,
    params,
  };
}

/** A group reader's count: servers without groups plus the distinct servers of its groups. */
export function groupCountQuery(groups: GroupReader, filter: McpServerListFilter): SqlText {
  // The two sets are disjoint (has_access_groups tells them apart), so their counts add up.
  const status = filter.status === undefined ? [] : [filter.status];
  const statusSql = status.length ? ' AND x.status = ?' : '';
  return {
    sql:
      `SELECT (SELECT COUNT(*) FROM mcp_servers x WHERE x.organization_id = ? AND x.has_access_groups = 0${statusSql})` +
      ` + (SELECT COUNT(*) FROM (SELECT DISTINCT g.server_id FROM mcp_server_access_groups g` +
      ` JOIN mcp_servers x ON x.server_id = g.server_id AND x.organization_id = g.organization_id` +
      ` WHERE g.organization_id = ?` +
      ` AND g.access_group IN (${placeholders(groups.accessGroups.length)})${statusSql}) d) AS total`,
    params: [
      groups.organizationId,
      ...status,
      groups.organizationId,
      ...groups.accessGroups,
      ...status,
    ],
  };
}
