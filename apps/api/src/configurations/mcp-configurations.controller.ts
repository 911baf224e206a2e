import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { toPaginationResponse } from '@app/core';
import { Auth, Principal, Roles } from '@app/auth';
import type { McpConfigurationEntity } from '@app/dal';
import { CreateMcpConfigurationDto } from './dto/create-mcp-configuration.dto';
import { ListMcpConfigurationsQueryDto } from './dto/list-mcp-configurations-query.dto';
import { McpConfigurationListResponseDto } from './dto/mcp-configuration-list-response.dto';
import { McpConfigurationResponseDto } from './dto/mcp-configuration-response.dto';
import { McpCredentialsResponseDto } from './dto/mcp-credentials-response.dto';
import { UpdateMcpConfigurationDto } from './dto/update-mcp-configuration.dto';
import { toMcpConfigurationResponse, toMcpCredentialsResponse } from './mcp-configuration.mapper';
import { ConfigurationCredentialsService } from './configuration-credentials.service';
import { McpConfigurationsService } from './mcp-configurations.service';
import {
  listEtag,
  parseIfMatch,
  sendCacheable,
  sendWithEtag,
  versionEtag,
} from '../shared/http-cache';

const IF_MATCH_DESCRIPTION =
  'With If-Match (an ETag of this configuration, or "*") the change is made only if the configuration has not been changed since; otherwise 412.';

@ApiTags('mcp-configurations')
@Controller('v1/mcp-configurations')
export class McpConfigurationsController {
  constructor(
    private readonly configurations: McpConfigurationsService,
    private readonly credentialReads: ConfigurationCredentialsService,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('org_admin', 'member')
  @ApiOperation({
    summary: 'Create a custom MCP configuration',
    description:
      "organization_id must be the key's own (403 otherwise); platform admins name any existing organization. Credentials are encrypted at rest and never returned.",
  })
  @ApiCreatedResponse({ type: McpConfigurationResponseDto })
  async create(
    @Auth() principal: Principal,
    @Body() dto: CreateMcpConfigurationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return sendConfiguration(reply, await this.configurations.create(principal, dto));
  }

  @Get()
  @Roles('org_admin', 'member', 'viewer', 'service')
  @ApiOperation({
    summary: 'List custom MCP configurations (keyset pagination, oldest first)',
    description:
      "organization_id defaults to the key's organization (another organization is a 404). Platform admins may name any organization, or omit it to list all.",
  })
  @ApiOkResponse({ type: McpConfigurationListResponseDto })
  @ApiHeader({ name: 'If-None-Match', required: false })
  async list(
    @Auth() principal: Principal,
    @Query() query: ListMcpConfigurationsQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const page = await this.configurations.list(principal, query);
    const response: McpConfigurationListResponseDto = {
      configurations: page.items.map(toMcpConfigurationResponse),
      pagination: { ...toPaginationResponse(page), total_count: page.total },
    };
    const body = JSON.stringify(response);
    return sendCacheable(reply, body, listEtag(body, null, null), ifNoneMatch);
  }

  @Get(':configurationId')
  @Roles('org_admin', 'member', 'viewer', 'service')
  @ApiOperation({
    summary: 'Get one custom MCP configuration',
    description:
      'Carries an ETag; with If-None-Match naming it, an empty 304 while nothing changed.',
  })
  @ApiOkResponse({ type: McpConfigurationResponseDto })
  @ApiHeader({ name: 'If-None-Match', required: false })
  async get(
    @Auth() principal: Principal,
    @Param('configurationId') id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const row = await this.configurations.get(principal, id);
    const body = JSON.stringify(toMcpConfigurationResponse(row));
    return sendCacheable(reply, body, versionEtag(row.version, body), ifNoneMatch);
  }

  @Patch(':configurationId')
  @Roles('org_admin', 'member')
  @ApiOperation({
    summary: 'Change fields of a custom MCP configuration (creator or org admin)',
    description:
      'Any of name, server_url, is_active, credentials, tool_configuration, transport_type, auth_type. Changing auth_type requires credentials for the new type; auth_type none removes stored credentials. Stored credentials stay with their server: a server_url on another origin (scheme, host or port) needs the credentials sent again (400 naming credentials otherwise). Concurrent changes are applied one after the other, each validated against the configuration as the previous one left it. ' +
      IF_MATCH_DESCRIPTION,
  })
  @ApiOkResponse({ type: McpConfigurationResponseDto })
  @ApiHeader({ name: 'If-Match', required: false })
  async patch(
    @Auth() principal: Principal,
    @Param('configurationId') id: string,
    @Body() dto: UpdateMcpConfigurationDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const row = await this.configurations.update(principal, id, dto, parseIfMatch(ifMatch));
    return sendConfiguration(reply, row);
  }

  @Put(':configurationId')
  @Roles('org_admin', 'member')
  @ApiOperation({
    summary: 'Same as PATCH: fields not sent are kept',
    description: IF_MATCH_DESCRIPTION,
  })
  @ApiOkResponse({ type: McpConfigurationResponseDto })
  @ApiHeader({ name: 'If-Match', required: false })
  async put(
    @Auth() principal: Principal,
    @Param('configurationId') id: string,
    @Body() dto: UpdateMcpConfigurationDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const row = await this.configurations.update(principal, id, dto, parseIfMatch(ifMatch));
    return sendConfiguration(reply, row);
  }

  @Delete(':configurationId')
  @HttpCode(204)
  @Roles('org_admin', 'member')
  @ApiOperation({
    summary: 'Soft-delete a configuration (creator or org admin); its name is free again',
  })
  @ApiNoContentResponse()
  async remove(@Auth() principal: Principal, @Param('configurationId') id: string): Promise<void> {
    await this.configurations.remove(principal, id);
  }

  @Get(':configurationId/credentials')
  // Every role reaches the handler so that a refusal is audited too (API.md §3); the service
  // lets only service and admin keys read (403 for the others).
  @Roles('org_admin', 'member', 'viewer', 'service', 'health_monitor')
  @ApiOperation({
    summary: 'Decrypted credentials (service and admin keys only; every call is audited)',
    description:
      'Other roles get 403 and another organization\'s or an unknown id 404; refused reads are audited too (outcome "refused", reason "role_not_allowed" or "not_found", in the caller\'s organization).',
  })
  @ApiOkResponse({ type: McpCredentialsResponseDto })
  async credentials(
    @Auth() principal: Principal,
    @Param('configurationId') id: string,
  ): Promise<McpCredentialsResponseDto> {
    const { row, credentials } = await this.credentialReads.read(principal, id);
    return toMcpCredentialsResponse(row, credentials);
  }
}

/** A configuration's body as sent, with the ETag that names its version. */
function sendConfiguration(reply: FastifyReply, row: McpConfigurationEntity): string {
  const body = JSON.stringify(toMcpConfigurationResponse(row));
  return sendWithEtag(reply, body, versionEtag(row.version, body));
}
