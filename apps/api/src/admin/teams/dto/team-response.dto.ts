import { ApiProperty } from '@nestjs/swagger';

export class TeamResponseDto {
  @ApiProperty({ example: 'team_0123456789abcdef0123456789abcdef' })
  team_id!: string;

  @ApiProperty({ example: 'Platform team' })
  name!: string;

  @ApiProperty({ example: 'org_xyz789' })
  organization_id!: string;

  @ApiProperty({ type: [String], example: ['engineering'] })
  access_groups!: string[];

  @ApiProperty({ example: '2025-11-13T10:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ example: '2025-11-13T10:00:00.000Z' })
  updated_at!: string;
}
