import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_REGISTRY_NAMESPACE_LENGTH, REGISTRY_NAMESPACE_RULE } from '@app/core';

/** PATCH /v1/organizations/{id}: the organization's settings for the official registry API. */
export class UpdateOrganizationDto {
  @ApiPropertyOptional({
    description: `The namespace of its servers' names in /v0.1 (\`<namespace>/<alias>\`): ${REGISTRY_NAMESPACE_RULE}, unique (409), or the organization's default (org_acme → org-acme) to go back to it. Changing it renames every entry; it is audited.`,
    example: 'com.acme',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_REGISTRY_NAMESPACE_LENGTH)
  registry_namespace?: string;

  @ApiPropertyOptional({
    description:
      'Serve the servers marked catalog_public without an API key at /orgs/{registry_namespace}/v0.1/servers.',
  })
  @IsOptional()
  @IsBoolean()
  public_catalog?: boolean;
}
