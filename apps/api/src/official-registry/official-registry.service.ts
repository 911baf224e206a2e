import { Injectable } from '@nestjs/common';
import { NotFoundError, OrganizationScope, registryNamespaceOf } from '@app/core';
import {
  CatalogScope,
  OrganizationScopeResolver,
  Principal,
  seesWholeOrganization,
} from '@app/auth';
import {
  aliasKeyOf,
  McpServerVersionReadRepository,
  McpServerVersionView,
  VersionVisibility,
} from '@app/dal';
import { decodeOfficialCursor, encodeOfficialCursor } from './official-cursor';
import type { OfficialPath } from './official-path';
import {
  DEFAULT_OFFICIAL_LIMIT,
  ListOfficialServersQueryDto,
} from './dto/list-official-servers-query.dto';
import type { EntryOptions } from './official-entry.mapper';

/** At most this many versions of one name are listed (newest first). */
export const MAX_LISTED_VERSIONS = 100;

/** Who reads: a key, or nobody (a public catalog), and through which route. */
export interface CatalogReader {
  principal: Principal | null;
  /** The catalog route's namespace; undefined on `/v0.1/servers`, which needs a key. */
  namespace?: string;
}

export interface OfficialRows {
  rows: McpServerVersionView[];
  options: EntryOptions;
}

export interface OfficialPage extends OfficialRows {
  nextCursor: string | null;
}

/**
 * Reads of the official registry API: which organization (the key's, a platform admin's every
 * one, or the public catalog a namespace names) and which of its entries (visibility) a caller
 * reads, resolved once per request, then one repository read.
 */
@Injectable()
export class OfficialRegistryService {
  constructor(
    private readonly versions: McpServerVersionReadRepository,
    private readonly scopes: OrganizationScopeResolver,
  ) {}

  async list(reader: CatalogReader, query: ListOfficialServersQueryDto): Promise<OfficialPage> {
    const { scope, visibility } = await this.listScope(reader);
    const limit = query.limit ?? DEFAULT_OFFICIAL_LIMIT;
    const rows = await this.versions.page(
      scope,
      visibility,
      {
        search: query.search,
        updatedSince: query.updated_since ? new Date(query.updated_since) : undefined,
        version: query.version,
        includeDeleted: query.include_deleted === true,
      },
      { limit, after: decodeOfficialCursor(query.cursor) },
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      rows: items,
      options: entryOptions(reader.principal),
      nextCursor: rows.length > limit && last ? encodeOfficialCursor(last) : null,
    };
  }

  /** Every version of a name the caller may see, newest first (404 when there is none). */
  async versionsOf(
    reader: CatalogReader,
    path: OfficialPath,
    includeDeleted: boolean,
  ): Promise<OfficialRows> {
    const catalog = await this.catalogOf(reader, path);
    const rows = await this.versions.versionsOf(
      catalog.scope,
      visibilityOf(reader.principal, catalog),
      aliasKeyOf(path.alias),
      includeDeleted,
      MAX_LISTED_VERSIONS,
    );
    if (rows.length === 0) throw new NotFoundError('Server');
    return { rows, options: entryOptions(reader.principal) };
  }

  /** One version of a name (`latest`: the current one). */
  async versionOf(
    reader: CatalogReader,
    path: OfficialPath & { version: string },
    includeDeleted: boolean,
  ): Promise<OfficialRows> {
    const catalog = await this.catalogOf(reader, path);
    const row = await this.versions.versionOf(
      catalog.scope,
      visibilityOf(reader.principal, catalog),
      aliasKeyOf(path.alias),
      path.version === 'latest' ? { latest: true } : { version: path.version },
      includeDeleted,
    );
    if (!row) throw new NotFoundError('Server');
    return { rows: [row], options: entryOptions(reader.principal) };
  }

  /** Resolves who reads (a closed catalog is a 401, another organization's a 404). */
  async assertReadable(reader: CatalogReader): Promise<void> {
    await this.listScope(reader);
  }

  private async listScope(
    reader: CatalogReader,
  ): Promise<{ scope: OrganizationScope; visibility: VersionVisibility }> {
    if (reader.namespace !== undefined) {
      const catalog = await this.scopes.catalogScope(reader.principal, reader.namespace);
      return { scope: catalog.scope, visibility: visibilityOf(reader.principal, catalog) };
    }
    if (!reader.principal) throw new Error('/v0.1/servers without a key');
    const scope = await this.scopes.listScope(reader.principal, undefined);
    return { scope, visibility: visibilityOf(reader.principal, null) };
  }

  /**
   * The organization a name belongs to, as the caller may read it. On a catalog route the name
   * must be in that catalog's namespace; elsewhere its namespace names the organization.
   */
  private async catalogOf(reader: CatalogReader, path: OfficialPath): Promise<CatalogScope> {
    const catalog = await this.scopes.catalogScope(
      reader.principal,
      reader.namespace ?? path.namespace,
    );
    if (registryNamespaceOf(catalog.organization) !== path.namespace) {
      throw new NotFoundError('Server');
    }
    return catalog;
  }
}

function visibilityOf(
  principal: Principal | null,
  catalog: CatalogScope | null,
): VersionVisibility {
  if (principal === null || catalog?.anonymous) return { publicOnly: true };
  if (seesWholeOrganization(principal)) return { wholeOrganization: true };
  return { accessGroups: principal.accessGroups };
}

function entryOptions(principal: Principal | null): EntryOptions {
  return {
    showConnection: principal?.role !== 'viewer',
    showAccessGroups: principal?.role === 'org_admin' || principal?.role === 'platform_admin',
  };
}
