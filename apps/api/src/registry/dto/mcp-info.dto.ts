import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { McpServerCostInfoDto } from './mcp-server-cost-info.dto';
import { IsDescription, MAX_NAME_LENGTH, MAX_URL_LENGTH } from './registry-fields';

export class McpInfoDto {
  @ApiPropertyOptional({ maxLength: MAX_NAME_LENGTH, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_NAME_LENGTH)
  server_name?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsDescription()
  description?: string | null;

  @ApiPropertyOptional({ maxLength: MAX_URL_LENGTH, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_URL_LENGTH)
  logo_url?: string | null;

  @ApiPropertyOptional({ type: McpServerCostInfoDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => McpServerCostInfoDto)
  mcp_server_cost_info?: McpServerCostInfoDto | null;
}
