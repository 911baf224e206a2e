import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { MAX_TOOL_NAME_LENGTH } from '@app/mcp-probe';

export const MAX_ALLOWED_TOOLS = 1000;

export class ToolConfigurationDto {
  @ApiProperty({ description: 'When true, only `allowed_tools` are exposed' })
  @IsBoolean()
  enabled!: boolean;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_ALLOWED_TOOLS, default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ALLOWED_TOOLS)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(MAX_TOOL_NAME_LENGTH, { each: true })
  allowed_tools?: string[];
}
