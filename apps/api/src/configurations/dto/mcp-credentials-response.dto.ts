import { ApiProperty } from '@nestjs/swagger';
import { MCP_AUTH_TYPES } from '@app/dal';

export class McpCredentialsResponseDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  organization_id!: string;

  @ApiProperty({ enum: MCP_AUTH_TYPES })
  auth_type!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'The decrypted credentials (normalized: `type` set, api_key `header_name` defaulted); null for auth_type none',
  })
  credentials!: Record<string, unknown> | null;
}
