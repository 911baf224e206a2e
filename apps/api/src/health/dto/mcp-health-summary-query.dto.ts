import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { ORGANIZATION_ID_PATTERN } from '@app/core';

export class McpHealthSummaryQueryDto {
  @ApiPropertyOptional({
    description:
      "Defaults to the key's organization (naming another is a 404). Platform admins: omit for every organization.",
    pattern: ORGANIZATION_ID_PATTERN.source,
  })
  @IsOptional()
  @IsString()
  @Matches(ORGANIZATION_ID_PATTERN, { message: 'must match ^org_[A-Za-z0-9]{3,64}$' })
  organization_id?: string;

  @ApiPropertyOptional({
    type: Boolean,
    description:
      'true: answer 503 (SERVICE_UNAVAILABLE, the summary in error.details) when any server is unhealthy',
  })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  fail_on_unhealthy?: boolean;

  @ApiPropertyOptional({
    type: Boolean,
    description:
      'true: answer 503 (SERVICE_UNAVAILABLE, the summary in error.details) while any server has tool drift',
  })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  fail_on_drift?: boolean;

  @ApiPropertyOptional({
    enum: ['count', 'ignore'],
    default: 'count',
    description:
      'ignore: servers unhealthy only because their OAuth authorization failed or expired (auth_failed, auth_expired) count in auth_failures alone, not as unhealthy, and never fail the gate',
  })
  @IsOptional()
  @IsIn(['count', 'ignore'], { message: 'must be count or ignore' })
  auth_failures?: 'count' | 'ignore';
}
