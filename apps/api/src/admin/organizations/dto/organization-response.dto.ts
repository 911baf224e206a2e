import { ApiProperty } from '@nestjs/swagger';

export class OrganizationResponseDto {
  @ApiProperty({ example: 'org_xyz789' })
  organization_id!: string;

  @ApiProperty({ example: 'Acme' })
  name!: string;

  @ApiProperty({ example: '2025-11-13T10:00:00.000Z' })
  created_at!: string;
}
