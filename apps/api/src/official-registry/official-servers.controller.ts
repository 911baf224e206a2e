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
import { Auth, Principal, Public, Roles } from '@app/auth';
import {
  ListOfficialServersQueryDto,
  OfficialVersionsQueryDto,
} from './dto/list-official-servers-query.dto';
import { OfficialNotFoundDto, OfficialServerListDto } from './dto/official-server-list.dto';
import { OfficialCorsInterceptor, OfficialErrorsFilter } from './official-http';
import { OfficialReads } from './official-reads';

const READERS = ['org_admin', 'member', 'viewer', 'service'] as const;

/**
 * The official MCP registry read API (v0.1) over the caller's registry: exactly the servers the
 * API key may see (API.md §2). Names are `<registry_namespace>/<alias>`, URL-encoded in paths.
 */
@ApiTags('official registry API (v0.1)')
@Controller('v0.1')
@UseFilters(OfficialErrorsFilter)
@UseInterceptors(OfficialCorsInterceptor)
export class OfficialServersController {
  constructor(private readonly reads: OfficialReads) {}

  @Get('servers')
  @Roles(...READERS)
  @ApiOperation({
    summary: 'List the servers this key can see (every version, by name)',
    description:
      'cursor, limit (default 30, max 100), search (name or description), updated_since (RFC 3339; deleted entries included), version (latest or exact), include_deleted.',
  })
  @ApiOkResponse({ type: OfficialServerListDto })
  list(@Auth() principal: Principal, @Query() query: ListOfficialServersQueryDto) {
    return this.reads.list({ principal }, query);
  }

  @Get('servers/*')
  @Roles(...READERS)
  @ApiOperation({
    summary: '{serverName}/versions (newest first) or {serverName}/versions/{version|latest}',
    description:
      'serverName and version URL-encoded (com.acme%2Fgithub, 1.0.0%2Bbuild). 404 in the official shape.',
  })
  @ApiOkResponse({ description: 'ServerList (versions) or ServerResponse (one version)' })
  @ApiNotFoundResponse({ type: OfficialNotFoundDto })
  versions(
    @Auth() principal: Principal,
    @Param('*') rest: string,
    @Query() query: OfficialVersionsQueryDto,
  ) {
    return this.reads.byPath({ principal }, rest, query);
  }

  @Options(['servers', 'servers/*'])
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'CORS preflight' })
  preflight(): void {}
}
