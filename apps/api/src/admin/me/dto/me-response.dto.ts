import { ApiProperty } from '@nestjs/swagger';
import { Role, ROLES } from '@app/auth';

/** The calling key's principal: who it is and what it may see. Never the secret. */
export class MeResponseDto {
  @ApiProperty({ example: 'key_0123456789abcdef0123456789abcdef' })
  key_id!: string;

  @ApiProperty({ example: 'ak_Xy3kP9aQ' })
  key_prefix!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiProperty({ type: String, nullable: true, description: 'Null for platform admin keys' })
  organization_id!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'usr_abc123def456' })
  user_id!: string | null;

  @ApiProperty({
    type: [String],
    description: "Effective access groups: the key's own plus those of its teams",
  })
  access_groups!: string[];

  @ApiProperty({ type: [String] })
  team_ids!: string[];

  @ApiProperty({ type: String, nullable: true })
  expires_at!: string | null;

  @ApiProperty()
  created_at!: string;
}
