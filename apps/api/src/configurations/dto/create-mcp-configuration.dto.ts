import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { ORGANIZATION_ID_PATTERN } from '@app/core';
import { MCP_AUTH_TYPES, MCP_TRANSPORT_TYPES, McpAuthType, McpTransportType } from '@app/dal';
import {
  IsConfigurationName,
  IsServerUrl,
  MAX_NAME_LENGTH,
  MAX_URL_LENGTH,
} from './mcp-configuration-fields';
import { ToolConfigurationDto } from './tool-configuration.dto';

export class CreateMcpConfigurationDto {
  @ApiProperty({ maxLength: MAX_NAME_LENGTH, example: 'Production GitHub' })
  @IsConfigurationName()
  name!: string;

  @ApiProperty({ maxLength: MAX_URL_LENGTH, example: 'https://mcp.github.example.com' })
  @IsServerUrl()
  server_url!: string;

  @ApiProperty({ enum: MCP_TRANSPORT_TYPES })
  @IsIn(MCP_TRANSPORT_TYPES)
  transport_type!: McpTransportType;

  @ApiProperty({ enum: MCP_AUTH_TYPES })
  @IsIn(MCP_AUTH_TYPES)
  auth_type!: McpAuthType;

  @ApiProperty({ pattern: ORGANIZATION_ID_PATTERN.source, example: 'org_xyz789' })
  @IsString()
  @Matches(ORGANIZATION_ID_PATTERN, { message: 'must match ^org_[A-Za-z0-9]{3,64}$' })
  organization_id!: string;

  @ApiPropertyOptional({
    description:
      'By auth_type: bearer_token `{type?:"bearer", token}`; api_key `{type?:"api_key", api_key, ' +
      'header_name? = "X-API-Key"}`; oauth `{type?:"oauth", grant_type?:"refresh_token"|"client_credentials", ' +
      'access_token (not with client_credentials), refresh_token?, expires_at?, token_url?, client_id?, client_secret?, ' +
      'token_endpoint_auth_method?, scopes?[] (or scope), audience?, resource?}` (tokens are renewed at token_url, see README); ' +
      'none: absent or `{}`. Encrypted at rest, never returned.',
    type: 'object',
    additionalProperties: true,
    writeOnly: true,
  })
  @IsOptional()
  @IsObject()
  credentials?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: ToolConfigurationDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ToolConfigurationDto)
  tool_configuration?: ToolConfigurationDto;
}
