import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ORGANIZATION_ID_PATTERN } from '@app/core';
import {
  MCP_SERVER_AUTH_TYPES,
  MCP_SERVER_TRANSPORTS,
  MCP_SPEC_VERSIONS,
  McpServerAuthType,
  McpServerTransport,
  McpSpecVersion,
} from '@app/dal';
import { IsAccessGroupNames } from '../../shared/access-groups';
import { McpInfoDto } from './mcp-info.dto';
import {
  ALIAS_PATTERN,
  IsDescription,
  IsEnvMap,
  IsServerVersion,
  IsToolNameList,
  MAX_ARG_LENGTH,
  MAX_ARGS,
  MAX_COMMAND_LENGTH,
  MAX_URL_LENGTH,
  SERVER_NAME_PATTERN,
  SERVER_VERSION_PATTERN,
} from './registry-fields';

/**
 * The seed's server body (POST and PUT /v1/mcp/server) without server_id, plus credentials,
 * allowed_tools, organization_id and health_check_enabled.
 */
export class ServerBodyDto {
  @ApiProperty({
    description: 'Unique in the organization, case-insensitively.',
    pattern: SERVER_NAME_PATTERN.source,
    example: 'GitHub MCP',
  })
  @IsString()
  @Matches(SERVER_NAME_PATTERN, {
    message: 'must be 1 to 128 characters of A-Z a-z 0-9 _ space .',
  })
  server_name!: string;

  @ApiPropertyOptional({
    description:
      'Unique in the organization, case-insensitively. Defaults to server_name with every character an alias may not hold (space, dot) replaced by "_".',
    pattern: ALIAS_PATTERN.source,
    example: 'github',
  })
  @IsOptional()
  @IsString()
  @Matches(ALIAS_PATTERN, { message: 'must be 1 to 64 characters of A-Z a-z 0-9 _' })
  alias?: string | null;

  @ApiPropertyOptional({ maxLength: 2000, nullable: true })
  @IsOptional()
  @IsDescription()
  description?: string | null;

  @ApiPropertyOptional({
    enum: MCP_SERVER_TRANSPORTS,
    default: 'sse',
    description: 'http and streamable_http are the same transport; the value sent is kept.',
  })
  @IsOptional()
  @IsIn(MCP_SERVER_TRANSPORTS)
  transport?: McpServerTransport;

  @ApiPropertyOptional({ enum: MCP_SPEC_VERSIONS, default: '2025-06-18' })
  @IsOptional()
  @IsIn(MCP_SPEC_VERSIONS)
  spec_version?: McpSpecVersion;

  @ApiPropertyOptional({ enum: MCP_SERVER_AUTH_TYPES, default: 'none' })
  @IsOptional()
  @IsIn(MCP_SERVER_AUTH_TYPES)
  auth_type?: McpServerAuthType;

  @ApiPropertyOptional({
    description:
      'http(s) URL, required for sse/http/streamable_http; ignored (stored null) for stdio.',
    maxLength: MAX_URL_LENGTH,
    example: 'https://mcp.example.com/sse',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_URL_LENGTH)
  url?: string | null;

  @ApiPropertyOptional({ type: McpInfoDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => McpInfoDto)
  mcp_info?: McpInfoDto | null;

  @ApiPropertyOptional({
    type: [String],
    description: 'Members and viewers see the server iff it has no groups or shares one with them.',
  })
  @IsOptional()
  @IsAccessGroupNames()
  mcp_access_groups?: string[] | null;

  @ApiPropertyOptional({
    description:
      'stdio only (required there): a bare command name (no path, no "..") listed in STDIO_COMMAND_ALLOWLIST. stdio servers are defined by platform admins only.',
    example: 'npx',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_COMMAND_LENGTH)
  command?: string | null;

  @ApiPropertyOptional({
    type: [String],
    example: ['-y', '@modelcontextprotocol/server-everything'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ARGS)
  @IsString({ each: true })
  @MaxLength(MAX_ARG_LENGTH, { each: true })
  args?: string[] | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Encrypted at rest; responses show every key with the value "****". Sending "****" back keeps the stored value (not when the destination changes). For stdio, names that change how code is loaded are refused (NODE_OPTIONS, NODE_PATH, LD_*, DYLD_*, PYTHON*, PATH, HOME, BASH_ENV, ENV, PERL5*, RUBYOPT, JAVA_TOOL_OPTIONS, NPM_CONFIG_*, PIP_*, UV_*, … any case).',
  })
  @IsOptional()
  @IsEnvMap()
  env?: Record<string, string> | null;

  @ApiPropertyOptional({
    description:
      'By auth_type: api_key `{type?:"api_key", api_key, header_name?="X-API-Key"}`; bearer_token `{type?:"bearer", token}`; ' +
      'basic `{type?:"basic", username, password}`; authorization `{type?:"authorization", value}`; oauth `{type?:"oauth", ' +
      'grant_type?:"refresh_token"|"client_credentials", access_token (not with client_credentials), refresh_token?, expires_at?, ' +
      'token_url?, client_id?, client_secret?, token_endpoint_auth_method?, scopes?[] (or scope), audience?, resource?}` ' +
      '(tokens are renewed at token_url, see README); none: absent or {}. Encrypted at rest; ' +
      'responses show the field names with "****"; sending "****" back keeps the stored value.',
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  credentials?: Record<string, unknown> | null;

  @ApiPropertyOptional({
    type: [String],
    description: 'When non-empty, only these tools are listed by /tools.',
  })
  @IsOptional()
  @IsToolNameList()
  allowed_tools?: string[] | null;

  @ApiPropertyOptional({
    description:
      'Platform admin keys must name the organization; other keys may only name their own.',
    pattern: ORGANIZATION_ID_PATTERN.source,
  })
  @IsOptional()
  @IsString()
  @Matches(ORGANIZATION_ID_PATTERN, { message: 'must match ^org_[A-Za-z0-9]{3,64}$' })
  organization_id?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  health_check_enabled?: boolean | null;

  @ApiPropertyOptional({
    description:
      'The release the official registry API (/v0.1) serves; SemVer recommended. A create defaults to 1.0.0, a PUT without it keeps the current one. A PUT with the current version changes that version in place; a new version is added as the latest, and the earlier ones stay listed.',
    pattern: SERVER_VERSION_PATTERN.source,
    example: '1.0.0',
  })
  @IsOptional()
  @IsServerVersion()
  version?: string | null;

  @ApiPropertyOptional({
    default: false,
    description:
      "Served by the organization's public catalog (/orgs/{registry_namespace}/v0.1/servers) without an API key, when the organization's public_catalog is on.",
  })
  @IsOptional()
  @IsBoolean()
  catalog_public?: boolean | null;
}
