import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth, Principal, Roles } from '@app/auth';
import { AccessGroupsResponseDto } from './dto/access-groups-response.dto';
import { CreateServerDto } from './dto/create-server.dto';
import { ListServersQueryDto } from './dto/list-servers-query.dto';
import { OrganizationQueryDto } from './dto/organization-query.dto';
import { parseServerIds, ServerHealthQueryDto } from './dto/server-health-query.dto';
import { ServerHealthDto } from './dto/server-health.dto';
import { ServerResponseDto } from './dto/server-response.dto';
import { UpdateServerDto } from './dto/update-server.dto';
import { parseIfMatch, sendCacheable, sendWithEtag, versionEtag } from '../shared/http-cache';
import { toAccessGroupsResponse, toServerHealth, toServerResponse } from './server-registry.mapper';
import { ServerListRenderer } from './server-list.renderer';
import { ServerReadsService, ServerWithReach } from './server-reads.service';
import { ServerWritesService } from './server-writes.service';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The server registry (API.md §4, seed 004). Bodies are serialized here once, so the ETag is the
 * digest of exactly what is sent.
 */
@ApiTags('server registry')
@Controller('v1/mcp')
export class ServerRegistryController {
  constructor(
    private readonly reads: ServerReadsService,
    private readonly writes: ServerWritesService,
    private readonly lists: ServerListRenderer,
  ) {}

  @Post('server')
  @HttpCode(201)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Register a server',
    description:
      "org_admin keys create in their organization; platform admins must send organization_id. stdio servers run on the registry's own hosts: only platform admins may create them (403 for org admins). 409 when server_id, server_name or alias (case-insensitively) is taken.",
  })
  @ApiCreatedResponse({ type: ServerResponseDto })
  async create(
    @Auth() principal: Principal,
    @Body() dto: CreateServerDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.sendServer(principal, await this.writes.create(principal, dto), reply);
  }

  @Put('server')
  @HttpCode(202)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Replace a server (the whole body, with server_id)',
    description:
      'Fields left out become empty or take their default. env values and credential fields sent as "****" keep the stored value, unless the destination changes (url origin, transport, command or auth_type): then the secret must be sent again (400). Replacing a stdio server, or changing a server to or from stdio, is for platform admins only (403). With If-Match (an ETag of this server) the write happens only if the server has not been changed since; otherwise 412.',
  })
  @ApiHeader({ name: 'If-Match', required: false })
  @ApiAcceptedResponse({ type: ServerResponseDto })
  async replace(
    @Auth() principal: Principal,
    @Body() dto: UpdateServerDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const result = await this.writes.replace(principal, dto, parseIfMatch(ifMatch));
    return this.sendServer(principal, result, reply);
  }

  @Get('server')
  @Roles('org_admin', 'member', 'viewer', 'service')
  @ApiOperation({
    summary: 'List the servers this key can see (oldest first)',
    description:
      'A JSON array of at most `limit` (default 50, max 100) servers. When there are more, X-Next-Cursor holds the cursor of the next page; with include_total=true, X-Total-Count is the number of matching servers. Filters: access_group, status, tools_drift.',
  })
  @ApiOkResponse({ type: [ServerResponseDto] })
  @ApiHeader({ name: 'If-None-Match', required: false })
  async list(
    @Auth() principal: Principal,
    @Query() query: ListServersQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    const page = await this.lists.render(principal, query);
    if (page.nextCursor) reply.header('x-next-cursor', page.nextCursor);
    if (page.total !== null) reply.header('x-total-count', String(page.total));
    return sendCacheable(reply, page.body, page.etag, ifNoneMatch);
  }

  @Get('server/health')
  @Roles('org_admin', 'member', 'viewer', 'service', 'health_monitor')
  @ApiOperation({
    summary: 'Health of several servers',
    description:
      'Servers named in server_ids (all visible ones when omitted) that this key can see; others are simply absent.',
  })
  @ApiOkResponse({ type: [ServerHealthDto] })
  async health(
    @Auth() principal: Principal,
    @Query() query: ServerHealthQueryDto,
  ): Promise<ServerHealthDto[]> {
    const serverIds = parseServerIds(query.server_ids);
    const rows = await this.reads.health(principal, serverIds, query.organization_id);
    return rows.map(toServerHealth);
  }

  @Get('server/:server_id')
  @Roles('org_admin', 'member', 'viewer', 'service')
  @ApiOperation({ summary: 'Get one server (404 when this key cannot see it)' })
  @ApiOkResponse({ type: ServerResponseDto })
  @ApiHeader({ name: 'If-None-Match', required: false })
  async get(
    @Auth() principal: Principal,
    @Param('server_id') serverId: string,
    @Query() query: OrganizationQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const result = await this.reads.get(principal, serverId, query.organization_id);
    const body = JSON.stringify(this.toResponse(principal, result));
    return sendCacheable(reply, body, versionEtag(result.server.version, body), ifNoneMatch);
  }

  @Delete('server/:server_id')
  @HttpCode(202)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Delete a server; the body is a JSON string',
    description: 'Deleting a stdio server is for platform admins only (403 for org admins).',
  })
  @ApiAcceptedResponse({ schema: { type: 'string', example: 'Server github-mcp deleted' } })
  async remove(
    @Auth() principal: Principal,
    @Param('server_id') serverId: string,
    @Query() query: OrganizationQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const message = await this.writes.remove(principal, serverId, query.organization_id);
    reply.header('content-type', JSON_CONTENT_TYPE);
    return JSON.stringify(message);
  }

  @Get('access_groups')
  @Roles('org_admin', 'member', 'viewer', 'service')
  @ApiOperation({ summary: 'Access groups of the servers this key can see, sorted' })
  @ApiOkResponse({ type: AccessGroupsResponseDto })
  async accessGroups(
    @Auth() principal: Principal,
    @Query() query: OrganizationQueryDto,
  ): Promise<AccessGroupsResponseDto> {
    return toAccessGroupsResponse(await this.reads.accessGroups(principal, query.organization_id));
  }

  private toResponse(principal: Principal, result: ServerWithReach): ServerResponseDto {
    return toServerResponse(result.server, result.reach, {
      hideConnection: principal.role === 'viewer',
    });
  }

  private sendServer(principal: Principal, result: ServerWithReach, reply: FastifyReply): string {
    const body = JSON.stringify(this.toResponse(principal, result));
    return sendWithEtag(reply, body, versionEtag(result.server.version, body));
  }
}
