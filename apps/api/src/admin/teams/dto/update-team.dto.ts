import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { ORGANIZATION_ID_PATTERN } from '@app/core';
import { IsAccessGroupList } from '../../dto/access-group-list.decorator';

/** PUT replaces the team's name and access groups (absent access_groups: none). */
export class UpdateTeamDto {
  @ApiProperty({ example: 'Platform team', maxLength: 128 })
  @IsString()
  @Length(1, 128)
  name!: string;

  @ApiPropertyOptional({ description: "May be sent back as read; must be the team's own" })
  @IsOptional()
  @Matches(ORGANIZATION_ID_PATTERN, { message: 'must match ^org_[A-Za-z0-9]{3,64}$' })
  organization_id?: string;

  @IsAccessGroupList('Access groups every key of the team gets (replaces the current list)')
  access_groups?: string[];
}
