import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsRFC3339,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const DEFAULT_OFFICIAL_LIMIT = 30;

/** `true`/`false` in a query string. */
export const QueryBoolean = () =>
  Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

/** GET /v0.1/servers (official registry API 2025-12-01, `ListServers`). */
export class ListOfficialServersQueryDto {
  @ApiPropertyOptional({ description: 'Opaque cursor: metadata.nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: DEFAULT_OFFICIAL_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Substring of the name or the description, any case' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({
    description:
      'RFC 3339 instant: only entries changed after it, deleted ones included (whatever include_deleted says)',
    example: '2025-08-07T13:15:04.280Z',
  })
  @IsOptional()
  @IsRFC3339({ message: 'must be an RFC 3339 date-time, e.g. 2025-08-07T13:15:04.280Z' })
  updated_since?: string;

  @ApiPropertyOptional({ description: '`latest`, or one exact version such as 1.2.3' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  version?: string;

  @ApiPropertyOptional({ default: false, description: 'Include deleted entries (tombstones)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'must be true or false' })
  include_deleted?: boolean;
}

/** The versions routes: only `include_deleted`. */
export class OfficialVersionsQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Include deleted entries (tombstones)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean({ message: 'must be true or false' })
  include_deleted?: boolean;
}
