import { ApiProperty } from '@nestjs/swagger';

/** A team whose access groups reach the server. */
export class ServerTeamDto {
  @ApiProperty({ example: 'team_0123456789abcdef0123456789abcdef' })
  team_id!: string;

  @ApiProperty({ description: "The team's name.", example: 'Platform' })
  team_alias!: string;

  @ApiProperty({ example: 'org_xyz789' })
  organization_id!: string;
}
