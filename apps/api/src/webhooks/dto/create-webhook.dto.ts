import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { ORGANIZATION_ID_PATTERN } from '@app/core';
import { IsWebhookActive, IsWebhookTypes, IsWebhookUrl } from './webhook-fields';

export class CreateWebhookDto {
  @IsWebhookUrl()
  url!: string;

  @IsWebhookTypes()
  types?: string[];

  @IsWebhookActive()
  active?: boolean;

  @ApiPropertyOptional({
    example: 'org_xyz789',
    description: "Defaults to the caller's organization; platform admins must name one",
  })
  @IsOptional()
  @Matches(ORGANIZATION_ID_PATTERN, { message: 'must match ^org_[A-Za-z0-9]{3,64}$' })
  organization_id?: string;
}
