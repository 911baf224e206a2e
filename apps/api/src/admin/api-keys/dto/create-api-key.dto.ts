import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { ORGANIZATION_ID_PATTERN, USER_ID_PATTERN } from '@app/core';
import { Role, ROLES } from '@app/auth';
import { IsAccessGroupList } from '../../dto/access-group-list.decorator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'CI deploy key', maxLength: 128 })
  @IsString()
  @Length(1, 128)
  name!: string;

  @ApiPropertyOptional({
    example: 'org_xyz789',
    description:
      "The key's organization: defaults to the caller's own; platform admins must name one (or none for a platform_admin key)",
  })
  @IsOptional()
  @Matches(ORGANIZATION_ID_PATTERN, { message: 'must match ^org_[A-Za-z0-9]{3,64}$' })
  organization_id?: string;

  @ApiProperty({ enum: ROLES, example: 'member' })
  @IsIn(ROLES, { message: `must be one of ${ROLES.join(', ')}` })
  role!: Role;

  @ApiPropertyOptional({
    example: 'usr_abc123def456',
    description: 'The user the key acts for; generated as usr_ + 32 hex when absent',
  })
  @IsOptional()
  @Matches(USER_ID_PATTERN, { message: 'must match ^usr_[A-Za-z0-9]{3,64}$' })
  user_id?: string;

  @IsAccessGroupList('Access groups granted to the key directly (its teams add theirs)')
  access_groups?: string[];

  @ApiPropertyOptional({ type: [String], description: "Teams of the key's organization" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  team_ids?: string[];

  @ApiPropertyOptional({
    example: '2026-01-01T00:00:00.000Z',
    description: 'ISO-8601 instant in the future; the key never expires when absent',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be an ISO-8601 date-time' })
  @MaxLength(64)
  expires_at?: string;
}
