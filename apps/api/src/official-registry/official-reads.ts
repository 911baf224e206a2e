import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/core';
import type {
  ListOfficialServersQueryDto,
  OfficialVersionsQueryDto,
} from './dto/list-official-servers-query.dto';
import { OfficialServerResponse, toOfficialList, toOfficialServer } from './official-entry.mapper';
import { parseOfficialPath } from './official-path';
import { CatalogReader, OfficialRegistryService } from './official-registry.service';

/**
 * What both official controllers answer (the key routes and the catalog routes differ only in
 * who reads): one service call, then the official shape.
 */
@Injectable()
export class OfficialReads {
  constructor(private readonly registry: OfficialRegistryService) {}

  async list(reader: CatalogReader, query: ListOfficialServersQueryDto) {
    const page = await this.registry.list(reader, query);
    return toOfficialList(page.rows, page.options, page.nextCursor);
  }

  /** `{name}/versions` (a ServerList) or `{name}/versions/{version}` (a ServerResponse). */
  async byPath(
    reader: CatalogReader,
    rest: string,
    query: OfficialVersionsQueryDto,
  ): Promise<ReturnType<typeof toOfficialList> | OfficialServerResponse> {
    const path = parseOfficialPath(rest ?? '');
    if (!path) {
      // Who may read comes first: a closed catalog is a 401 whatever the path.
      await this.registry.assertReadable(reader);
      throw new NotFoundError('Server');
    }
    const includeDeleted = query.include_deleted === true;
    if (path.version === undefined) {
      const found = await this.registry.versionsOf(reader, path, includeDeleted);
      return toOfficialList(found.rows, found.options);
    }
    const found = await this.registry.versionOf(
      reader,
      { ...path, version: path.version },
      includeDeleted,
    );
    return toOfficialServer(found.rows[0], found.options);
  }
}
