import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { OneOrganization, OrganizationScope } from '@app/core';
import { dialectOfConnection } from '../../dialect';
import type { McpServerStatus } from '../../entities/mcp-server.entity';
import { utcDate } from '../../entities/timestamp.transformer';
import { serverKey } from '../mcp-server/mcp-server.types';
import { toVersionEntity, VERSION_COLUMNS } from './mcp-server-version.columns';
import { filterCondition, pageCondition, visibleCondition } from './mcp-server-version.sql';
import type {
  McpServerVersionView,
  VersionHealth,
  VersionListFilter,
  VersionPage,
  VersionSelector,
  VersionVisibility,
} from './mcp-server-version.types';

type RawRow = Record<string, unknown>;

/**
 * Reads of the official registry API's rows: the scope first, then what the reader may see. The
 * live server's health is added to the row of its current version.
 */
@Injectable()
export class McpServerVersionReadRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A catalog page in (organization, name, version) order; fetches `limit + 1` rows. */
  async page(
    scope: OrganizationScope,
    visibility: VersionVisibility,
    filter: VersionListFilter,
    page: VersionPage,
  ): Promise<McpServerVersionView[]> {
    const visible = visibleCondition(scope, visibility);
    const filtered = filterCondition(dialectOfConnection(this.dataSource), filter);
    const { keyset, orderBy } = pageCondition(scope, page);
    const rows: RawRow[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS} FROM mcp_server_versions v` +
        ` WHERE ${visible.sql}${filtered.sql}${keyset.sql} ORDER BY ${orderBy} LIMIT ?`,
      [...visible.params, ...filtered.params, ...keyset.params, page.limit + 1],
    );
    return this.withHealth(rows);
  }

  /** The versions of one name the reader may see, newest first, at most `limit`. */
  async versionsOf(
    scope: OneOrganization,
    visibility: VersionVisibility,
    aliasKey: string,
    includeDeleted: boolean,
    limit: number,
  ): Promise<McpServerVersionView[]> {
    const visible = visibleCondition(scope, visibility);
    const status = includeDeleted ? '' : " AND v.status = 'active'";
    const rows: RawRow[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS} FROM mcp_server_versions v` +
        ` WHERE ${visible.sql} AND v.alias_key = ?${status}` +
        ' ORDER BY v.published_at DESC, v.version DESC LIMIT ?',
      [...visible.params, aliasKey, limit],
    );
    return this.withHealth(rows);
  }

  /** One version of a name (`latest`: the current one), if the reader may see it. */
  async versionOf(
    scope: OneOrganization,
    visibility: VersionVisibility,
    aliasKey: string,
    selector: VersionSelector,
    includeDeleted: boolean,
  ): Promise<McpServerVersionView | null> {
    const visible = visibleCondition(scope, visibility);
    const status = includeDeleted ? '' : " AND v.status = 'active'";
    const which = 'latest' in selector ? 'v.is_latest = 1' : 'v.version = ?';
    const rows: RawRow[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS} FROM mcp_server_versions v` +
        ` WHERE ${visible.sql} AND v.alias_key = ? AND ${which}${status}` +
        // A tombstone of an earlier server of the name may be flagged too: the newest wins.
        ' ORDER BY v.published_at DESC LIMIT 1',
      [...visible.params, aliasKey, ...('latest' in selector ? [] : [selector.version])],
    );
    const [row] = await this.withHealth(rows);
    return row ?? null;
  }

  /** Rows as views, with the health of the live servers whose current version they are. */
  private async withHealth(rows: RawRow[]): Promise<McpServerVersionView[]> {
    const versions = rows.map(toVersionEntity);
    const current = versions.filter((row) => row.isLatest && row.status === 'active');
    const health = new Map<string, VersionHealth>();
    if (current.length > 0) {
      const pairs = current.map(() => '(organization_id = ? AND server_id = ?)').join(' OR ');
      const found: RawRow[] = await this.dataSource.query(
        `SELECT organization_id, server_id, status, last_health_check FROM mcp_servers WHERE ${pairs}`,
        current.flatMap((row) => [row.organizationId, row.serverId]),
      );
      for (const row of found) {
        health.set(serverKey(String(row.organization_id), String(row.server_id)), {
          status: row.status as McpServerStatus,
          lastHealthCheck: utcDate.from(
            row.last_health_check as string | Date | null,
          ) as Date | null,
          toolsFingerprint: (row.tools_fingerprint as string | null) ?? null,
        });
      }
    }
    return versions.map((row) => ({
      ...row,
      health:
        row.isLatest && row.status === 'active'
          ? (health.get(serverKey(row.organizationId, row.serverId)) ?? null)
          : null,
    }));
  }
}
