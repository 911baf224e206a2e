import {
  Controller,
  Get,
  HttpCode,
  Options,
  Param,
  Query,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnonymousAllowed, Caller, Principal, Public, Roles } from '@app/auth';
import {
  ListOfficialServersQueryDto,
  OfficialVersionsQueryDto,
} from './dto/list-official-servers-query.dto';
import { OfficialNotFoundDto, OfficialServerListDto } from './dto/official-server-list.dto';
import { OfficialCorsInterceptor, OfficialErrorsFilter } from './official-http';
import { OfficialReads } from './official-reads';

const READERS = ['org_admin', 'member', 'viewer', 'service'] as const;

/**
 * One organization's catalog, named by its registry namespace, as an MCP registry base URL of its
 * own: `https://host/orgs/com.acme` (clients append `/v0.1/servers`); `/v0.1/orgs/com.acme/…` is
 * the same catalog. Without a key it serves the public catalog (organization `public_catalog`,
 * servers `catalog_public`), else 401 with a WWW-Authenticate challenge; with a key, what the key
 * sees of its own organization (another one is a 404).
 */
@ApiTags('official registry API (v0.1)')
@Controller(['orgs/:namespace/v0.1', 'v0.1/orgs/:namespace'])
@UseFilters(OfficialErrorsFilter)
@UseInterceptors(OfficialCorsInterceptor)
export class OrgCatalogController {
  constructor(private readonly reads: OfficialReads) {}

  @Get('servers')
  @Roles(...READERS)
  @AnonymousAllowed()
  @ApiOperation({ summary: "List an organization's catalog (public without a key)" })
  @ApiOkResponse({ type: OfficialServerListDto })
  list(
    @Caller() principal: Principal | null,
    @Param('namespace') namespace: string,
    @Query() query: ListOfficialServersQueryDto,
  ) {
    return this.reads.list({ principal, namespace }, query);
  }

  @Get('servers/*')
  @Roles(...READERS)
  @AnonymousAllowed()
  @ApiOperation({ summary: 'Versions of a server of the catalog, or one version' })
  @ApiNotFoundResponse({ type: OfficialNotFoundDto })
  versions(
    @Caller() principal: Principal | null,
    @Param('namespace') namespace: string,
    @Param('*') rest: string,
    @Query() query: OfficialVersionsQueryDto,
  ) {
    return this.reads.byPath({ principal, namespace }, rest, query);
  }

  @Options(['servers', 'servers/*'])
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'CORS preflight' })
  preflight(): void {}
}
