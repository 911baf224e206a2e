import type { OrganizationScope } from '@app/core';
import { concatSql, Dialect, sqlInstant } from '../../dialect';
import { keysetCondition } from '../keyset';
import { scopeCondition } from '../organization-scope';
import type { SqlText } from '../mcp-server/mcp-server.sql';
import type { VersionListFilter, VersionPage, VersionVisibility } from './mcp-server-version.types';

/** The SQL of the reads of `mcp_server_versions` (alias `v`). */

/** `?` escaped for LIKE with `!` as the escape character. */
function likeContaining(text: string): string {
  return `%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * The reader's rows: its scope, then what it may see. Access groups are matched by INSTR on the
 * row's `|a|b|` text (byte-wise on both databases: binary collation on MySQL), never LIKE, which
 * folds case.
 */
export function visibleCondition(scope: OrganizationScope, visibility: VersionVisibility): SqlText {
  const inScope = scopeCondition(scope, 'v.organization_id');
  if ('wholeOrganization' in visibility) return inScope;
  if ('publicOnly' in visibility) {
    return { sql: `${inScope.sql} AND v.catalog_public = 1`, params: inScope.params };
  }
  const alternatives = ['v.has_access_groups = 0'];
  const params: unknown[] = [...inScope.params];
  for (const group of visibility.accessGroups) {
    alternatives.push('INSTR(v.access_groups, ?) > 0');
    params.push(`|${group}|`);
  }
  alternatives.push(
    '(v.catalog_public = 1 AND EXISTS (SELECT 1 FROM organizations o' +
      ' WHERE o.id = v.organization_id AND o.public_catalog = 1))',
  );
  return { sql: `${inScope.sql} AND (${alternatives.join(' OR ')})`, params };
}

/** Status, version, change time and search, in that order. */
export function filterCondition(dialect: Dialect, filter: VersionListFilter): SqlText {
  let sql = '';
  const params: unknown[] = [];
  // A reader asking what changed since must also learn what was deleted.
  if (!filter.includeDeleted && filter.updatedSince === undefined)
    sql += " AND v.status = 'active'";
  if (filter.version === 'latest') sql += ' AND v.is_latest = 1';
  else if (filter.version !== undefined) {
    sql += ' AND v.version = ?';
    params.push(filter.version);
  }
  if (filter.updatedSince !== undefined) {
    sql += ' AND v.updated_at > ?';
    params.push(sqlInstant(filter.updatedSince));
  }
  if (filter.search !== undefined && filter.search !== '') {
    const name = concatSql(dialect, ['v.namespace', "'/'", 'v.alias']);
    sql += ` AND (LOWER(${name}) LIKE ? ESCAPE '!' OR LOWER(v.description) LIKE ? ESCAPE '!')`;
    const pattern = likeContaining(filter.search);
    params.push(pattern, pattern);
  }
  return { sql, params };
}

/** The catalog order: by organization (when several), name, version; after the cursor. */
export function pageCondition(
  scope: OrganizationScope,
  page: VersionPage,
): { keyset: SqlText; orderBy: string } {
  const columns =
    scope.kind === 'all'
      ? ['v.organization_id', 'v.alias_key', 'v.version']
      : ['v.alias_key', 'v.version'];
  const orderBy = columns.join(', ');
  if (!page.after) return { keyset: { sql: '', params: [] }, orderBy };
  const { organizationId, aliasKey, version } = page.after;
  const values = scope.kind === 'all' ? [organizationId, aliasKey, version] : [aliasKey, version];
  return { keyset: keysetCondition(columns, values), orderBy };
}
