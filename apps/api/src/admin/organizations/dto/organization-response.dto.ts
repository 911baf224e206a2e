import { ApiProperty } from '@nestjs/swagger';

export class OrganizationResponseDto {
  @ApiProperty({ example: 'org_xyz789' })
  organization_id!: string;

  @ApiProperty({ example: 'Acme' })
  name!: string;

  @ApiProperty({ example: '2025-11-13T10:00:00.000Z' })
  created_at!: string;

  @ApiProperty({
    example: 'com.acme',
    description:
      "The namespace of the organization's server names in the official registry API (/v0.1); org_xyz789 → org-xyz789 until one is chosen.",
  })
  registry_namespace!: string;

  @ApiProperty({
    description: 'Whether servers marked catalog_public are served without an API key.',
  })
  public_catalog!: boolean;
}
