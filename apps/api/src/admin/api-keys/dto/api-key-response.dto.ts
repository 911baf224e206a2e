import { ApiProperty } from '@nestjs/swagger';
import { Role, ROLES } from '@app/auth';

/** An API key as listed and read: never the secret. */
export class ApiKeyResponseDto {
  @ApiProperty({ example: 'key_0123456789abcdef0123456789abcdef' })
  key_id!: string;

  @ApiProperty({ example: 'ak_Xy3kP9aQ', description: 'The first 11 characters of the secret' })
  key_prefix!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true, example: 'org_xyz789' })
  organization_id!: string | null;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiProperty({ type: String, nullable: true, example: 'usr_abc123def456' })
  user_id!: string | null;

  @ApiProperty({ type: [String], description: 'Granted to the key directly' })
  access_groups!: string[];

  @ApiProperty({ type: [String] })
  team_ids!: string[];

  @ApiProperty({ example: '2025-11-13T10:00:00.000Z' })
  created_at!: string;

  @ApiProperty({ type: String, nullable: true })
  expires_at!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'When the key was revoked (deleted)' })
  revoked_at!: string | null;
}
