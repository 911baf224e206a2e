import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { ORGANIZATION_ID_PATTERN } from '@app/core';

/** `?organization_id=`: defaults to the key's organization; another one is a 404. */
export class OrganizationQueryDto {
  @ApiPropertyOptional({
    description:
      "Defaults to the key's organization (naming another is a 404). Platform admins: omit to look in every organization.",
    pattern: ORGANIZATION_ID_PATTERN.source,
  })
  @IsOptional()
  @IsString()
  @Matches(ORGANIZATION_ID_PATTERN, { message: 'must match ^org_[A-Za-z0-9]{3,64}$' })
  organization_id?: string;
}
