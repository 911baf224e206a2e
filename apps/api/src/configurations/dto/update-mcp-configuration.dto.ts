import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { MCP_AUTH_TYPES, MCP_TRANSPORT_TYPES, McpAuthType, McpTransportType } from '@app/dal';
import {
  IsConfigurationName,
  IsServerUrl,
  MAX_NAME_LENGTH,
  MAX_URL_LENGTH,
} from './mcp-configuration-fields';
import { ToolConfigurationDto } from './tool-configuration.dto';

/**
 * PATCH and PUT: any subset of the fields. Changing `auth_type` requires `credentials` for the
 * new type (none clears them); `credentials` alone replace the stored ones for the current type.
 */
export class UpdateMcpConfigurationDto {
  @ApiPropertyOptional({ maxLength: MAX_NAME_LENGTH })
  @IsOptional()
  @IsConfigurationName()
  name?: string;

  @ApiPropertyOptional({ maxLength: MAX_URL_LENGTH })
  @IsOptional()
  @IsServerUrl()
  server_url?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, writeOnly: true })
  @IsOptional()
  @IsObject()
  credentials?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: ToolConfigurationDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ToolConfigurationDto)
  tool_configuration?: ToolConfigurationDto;

  @ApiPropertyOptional({ enum: MCP_TRANSPORT_TYPES })
  @IsOptional()
  @IsIn(MCP_TRANSPORT_TYPES)
  transport_type?: McpTransportType;

  @ApiPropertyOptional({ enum: MCP_AUTH_TYPES })
  @IsOptional()
  @IsIn(MCP_AUTH_TYPES)
  auth_type?: McpAuthType;
}
