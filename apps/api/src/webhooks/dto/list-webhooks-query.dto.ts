import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { ORGANIZATION_ID_PATTERN, PageQueryDto } from '@app/core';

export class ListWebhooksQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: 'org_xyz789',
    description:
      "Defaults to the key's organization; platform admins may name any, or omit it for all",
  })
  @IsOptional()
  @Matches(ORGANIZATION_ID_PATTERN, { message: 'must match ^org_[A-Za-z0-9]{3,64}$' })
  organization_id?: string;
}
