import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { ORGANIZATION_ID_PATTERN, PageQueryDto } from '@app/core';
import {
  MCP_SERVER_STATUSES,
  McpServerStatus,
  TOOLS_DRIFT_FILTERS,
  ToolsDriftFilter,
} from '@app/dal';
import { ACCESS_GROUP_PATTERN, ACCESS_GROUP_RULE } from '../../shared/access-groups';

export class ListServersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description:
      "Defaults to the key's organization (naming another is a 404). Platform admins: omit to list every organization.",
    pattern: ORGANIZATION_ID_PATTERN.source,
  })
  @IsOptional()
  @IsString()
  @Matches(ORGANIZATION_ID_PATTERN, { message: 'must match ^org_[A-Za-z0-9]{3,64}$' })
  organization_id?: string;

  @ApiPropertyOptional({ description: 'Only servers carrying this access group.' })
  @IsOptional()
  @IsString()
  @Matches(ACCESS_GROUP_PATTERN, { message: `must be ${ACCESS_GROUP_RULE}` })
  access_group?: string;

  @ApiPropertyOptional({ enum: MCP_SERVER_STATUSES })
  @IsOptional()
  @IsIn(MCP_SERVER_STATUSES)
  status?: McpServerStatus;

  @ApiPropertyOptional({
    enum: TOOLS_DRIFT_FILTERS,
    description:
      'Servers by how their tools differ from the approved baseline: any (some drift), none, or a kind (added, removed, changed)',
  })
  @IsOptional()
  @IsIn(TOOLS_DRIFT_FILTERS, { message: `must be one of ${TOOLS_DRIFT_FILTERS.join(', ')}` })
  tools_drift?: ToolsDriftFilter;

  @ApiPropertyOptional({
    description:
      'true adds X-Total-Count, the number of matching servers. Off by default: counting walks every matching row, while a page reads only its own.',
    default: false,
  })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  include_total?: boolean;
}
