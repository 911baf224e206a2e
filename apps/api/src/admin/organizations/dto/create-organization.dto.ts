import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { ORGANIZATION_ID_PATTERN } from '@app/core';

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Acme', maxLength: 128 })
  @IsString()
  @Length(1, 128)
  name!: string;

  @ApiPropertyOptional({
    example: 'org_xyz789',
    description: 'Chosen id (^org_[A-Za-z0-9]{3,64}$); generated as org_ + 32 hex when absent',
  })
  @IsOptional()
  @Matches(ORGANIZATION_ID_PATTERN, { message: 'must match ^org_[A-Za-z0-9]{3,64}$' })
  organization_id?: string;
}
