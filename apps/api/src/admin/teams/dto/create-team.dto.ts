import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { ORGANIZATION_ID_PATTERN } from '@app/core';
import { IsAccessGroupList } from '../../dto/access-group-list.decorator';

export class CreateTeamDto {
  @ApiProperty({ example: 'Platform team', maxLength: 128 })
  @IsString()
  @Length(1, 128)
  name!: string;

  @ApiPropertyOptional({
    example: 'org_xyz789',
    description: "Defaults to the caller's organization; platform admins must name one",
  })
  @IsOptional()
  @Matches(ORGANIZATION_ID_PATTERN, { message: 'must match ^org_[A-Za-z0-9]{3,64}$' })
  organization_id?: string;

  @IsAccessGroupList('Access groups every key of the team gets')
  access_groups?: string[];
}
