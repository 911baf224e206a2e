import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, Principal, Roles } from '@app/auth';
import { CreateMcpConfigurationDto } from './dto/create-mcp-configuration.dto';
import { ListMcpConfigurationsQueryDto } from './dto/list-mcp-configurations-query.dto';
import { McpConfigurationListResponseDto } from './dto/mcp-configuration-list-response.dto';
import { McpConfigurationResponseDto } from './dto/mcp-configuration-response.dto';
import { McpCredentialsResponseDto } from './dto/mcp-credentials-response.dto';
import { UpdateMcpConfigurationDto } from './dto/update-mcp-configuration.dto';
import { toMcpConfigurationResponse, toMcpCredentialsResponse } from './mcp-configuration.mapper';
import { McpConfigurationsService } from './mcp-configurations.service';

@ApiTags('mcp-configurations')
@Controller('v1/mcp-configurations')
export class McpConfigurationsController {
  constructor(private readonly configurations: McpConfigurationsService) {}

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
  ): Promise<McpConfigurationResponseDto> {
    return toMcpConfigurationResponse(await this.configurations.create(principal, dto));
  }

  @Get()
  @Roles('org_admin', 'member', 'viewer', 'service')
  @ApiOperation({
    summary: 'List custom MCP configurations (keyset pagination, oldest first)',
    description:
      "organization_id defaults to the key's organization (another organization is a 404). Platform admins may name any organization, or omit it to list all.",
  })
  @ApiOkResponse({ type: McpConfigurationListResponseDto })
  async list(
    @Auth() principal: Principal,
    @Query() query: ListMcpConfigurationsQueryDto,
  ): Promise<McpConfigurationListResponseDto> {
    const page = await this.configurations.list(principal, query);
    return {
      configurations: page.rows.map(toMcpConfigurationResponse),
      pagination: {
        limit: page.limit,
        next_cursor: page.nextCursor,
        has_more: page.hasMore,
        total_count: page.total,
      },
    };
  }

  @Get(':configurationId')
  @Roles('org_admin', 'member', 'viewer', 'service')
  @ApiOperation({ summary: 'Get one custom MCP configuration' })
  @ApiOkResponse({ type: McpConfigurationResponseDto })
  async get(
    @Auth() principal: Principal,
    @Param('configurationId') id: string,
  ): Promise<McpConfigurationResponseDto> {
    return toMcpConfigurationResponse(await this.configurations.get(principal, id));
  }

  @Patch(':configurationId')
  @Roles('org_admin', 'member')
  @ApiOperation({
    summary: 'Change fields of a custom MCP configuration (creator or org admin)',
    description:
      'Any of name, server_url, is_active, credentials, tool_configuration, transport_type, auth_type. Changing auth_type requires credentials for the new type; auth_type none removes stored credentials. Stored credentials stay with their server: a server_url on another origin (scheme, host or port) needs the credentials sent again (400 naming credentials otherwise).',
  })
  @ApiOkResponse({ type: McpConfigurationResponseDto })
  async patch(
    @Auth() principal: Principal,
    @Param('configurationId') id: string,
    @Body() dto: UpdateMcpConfigurationDto,
  ): Promise<McpConfigurationResponseDto> {
    return toMcpConfigurationResponse(await this.configurations.update(principal, id, dto));
  }

  @Put(':configurationId')
  @Roles('org_admin', 'member')
  @ApiOperation({ summary: 'Same as PATCH: fields not sent are kept' })
  @ApiOkResponse({ type: McpConfigurationResponseDto })
  async put(
    @Auth() principal: Principal,
    @Param('configurationId') id: string,
    @Body() dto: UpdateMcpConfigurationDto,
  ): Promise<McpConfigurationResponseDto> {
    return toMcpConfigurationResponse(await this.configurations.update(principal, id, dto));
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
  @Roles('org_admin', 'service')
  @ApiOperation({
    summary: 'Decrypted credentials (service and admin keys only; every call is audited)',
  })
  @ApiOkResponse({ type: McpCredentialsResponseDto })
  async credentials(
    @Auth() principal: Principal,
    @Param('configurationId') id: string,
  ): Promise<McpCredentialsResponseDto> {
    const { row, credentials } = await this.configurations.readCredentials(principal, id);
    return toMcpCredentialsResponse(row, credentials);
  }
}
