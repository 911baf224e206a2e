import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { ORGANIZATION_ID_PATTERN, PageQueryDto } from '@app/core';
import { MCP_CONFIGURATION_TYPES, McpConfigurationType } from '@app/dal';

export class ListMcpConfigurationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description:
      "Defaults to the key's organization. Platform admins: omit to list every organization.",
    pattern: ORGANIZATION_ID_PATTERN.source,
  })
  @IsOptional()
  @IsString()
  @Matches(ORGANIZATION_ID_PATTERN, { message: 'must match ^org_[A-Za-z0-9]{3,64}$' })
  organization_id?: string;

  @ApiPropertyOptional({ enum: MCP_CONFIGURATION_TYPES })
  @IsOptional()
  @IsIn(MCP_CONFIGURATION_TYPES)
  type?: McpConfigurationType;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  is_active?: boolean;
}
