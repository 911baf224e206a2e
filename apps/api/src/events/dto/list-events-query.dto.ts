import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ORGANIZATION_ID_PATTERN } from '@app/core';

export const DEFAULT_EVENT_LIMIT = 100;
export const MAX_EVENT_LIMIT = 500;
export const MAX_WAIT_SECONDS = 60;

export class ListEventsQueryDto {
  @ApiPropertyOptional({
    minimum: 0,
    default: 0,
    description: 'Return events with a sequence after this one (the next_after of the last answer)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_EVENT_LIMIT, default: DEFAULT_EVENT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_EVENT_LIMIT)
  limit?: number;

  @ApiPropertyOptional({
    example: 'mcp_server.*,team.changed',
    description: 'Comma-separated event types, `<resource>.*` or `*`; default every type',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  types?: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_WAIT_SECONDS,
    default: 0,
    description: 'Long poll: with no event to return, wait up to this many seconds for one',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_WAIT_SECONDS)
  wait?: number;

  @ApiPropertyOptional({
    example: 'org_xyz789',
    description: "Defaults to the key's organization; required for platform admins",
  })
  @IsOptional()
  @Matches(ORGANIZATION_ID_PATTERN, { message: 'must match ^org_[A-Za-z0-9]{3,64}$' })
  organization_id?: string;
}
