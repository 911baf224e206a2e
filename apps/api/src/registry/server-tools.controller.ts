import { Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, Principal, Roles } from '@app/auth';
import { OrganizationQueryDto } from './dto/organization-query.dto';
import { ServerToolsDto } from './dto/server-tools.dto';
import { parseIfMatch } from '../shared/http-cache';
import { ServerToolDriftReportDto } from '../shared/tool-baselines/tool-drift-report.dto';
import { toServerToolDrift, toServerTools } from './server-tools.mapper';
import { ServerToolsService } from './server-tools.service';

/** A registry server's tools: served (allowed tools while approved), drift review, approval. */
@ApiTags('server registry')
@Controller('v1/mcp/server/:server_id/tools')
export class ServerToolsController {
  constructor(private readonly tools: ServerToolsService) {}

  @Get()
  @Roles('org_admin', 'member', 'viewer', 'service')
  @ApiOperation({
    summary: 'Tools found by the last health check (limited to allowed_tools)',
    description:
      'With allowed_tools, an allowed tool whose fingerprint is not in the approved baseline is left out and named in withheld_tools (TOOL_DRIFT_POLICY=withhold, the default) or served marked with drift (flag). Every tool differing from the baseline carries drift.',
  })
  @ApiOkResponse({ type: ServerToolsDto })
  async list(
    @Auth() principal: Principal,
    @Param('server_id') serverId: string,
    @Query() query: OrganizationQueryDto,
  ): Promise<ServerToolsDto> {
    return toServerTools(await this.tools.tools(principal, serverId, query.organization_id));
  }

  @Get('drift')
  @Roles('org_admin', 'member', 'viewer', 'service')
  @ApiOperation({
    summary: 'How the listed tools differ from the approved baseline, tool by tool',
    description:
      'added and removed tools whole; for each changed tool the fields that differ, the description before and after, and JSON pointers to every other value that differs (schema properties, annotations…).',
  })
  @ApiOkResponse({ type: ServerToolDriftReportDto })
  async drift(
    @Auth() principal: Principal,
    @Param('server_id') serverId: string,
    @Query() query: OrganizationQueryDto,
  ): Promise<ServerToolDriftReportDto> {
    return toServerToolDrift(await this.tools.drift(principal, serverId, query.organization_id));
  }

  @Post('baseline')
  @HttpCode(200)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Approve the tools the server lists now as its baseline',
    description:
      'If-Match (required) is the ETag of the server as read when reviewing: a newer observation of other tools (or another approval) bumps its version, and the approval answers 412. Audited as tools.baseline_approved with the previous and new fingerprints. 409 before any successful listing.',
  })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The server\'s ETag ("*": any)' })
  @ApiOkResponse({ type: ServerToolDriftReportDto })
  @ApiPreconditionFailedResponse({ description: 'The server changed since that ETag' })
  @ApiConflictResponse({ description: 'No tools were listed yet' })
  async approve(
    @Auth() principal: Principal,
    @Param('server_id') serverId: string,
    @Query() query: OrganizationQueryDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ServerToolDriftReportDto> {
    return toServerToolDrift(
      await this.tools.approve(principal, serverId, query.organization_id, parseIfMatch(ifMatch)),
    );
  }
}
