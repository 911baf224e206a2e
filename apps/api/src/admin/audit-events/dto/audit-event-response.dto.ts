import { ApiProperty } from '@nestjs/swagger';

export class AuditEventResponseDto {
  @ApiProperty({ example: 'evt_0123456789abcdef0123456789abcdef' })
  id!: string;

  @ApiProperty({ type: String, nullable: true })
  organization_id!: string | null;

  @ApiProperty({ type: String, nullable: true })
  actor_key_id!: string | null;

  @ApiProperty({ type: String, nullable: true })
  actor_user_id!: string | null;

  @ApiProperty({ example: 'api_key.create' })
  action!: string;

  @ApiProperty({ example: 'api_key' })
  resource_type!: string;

  @ApiProperty()
  resource_id!: string;

  @ApiProperty({ type: String, nullable: true })
  request_id!: string | null;

  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'What changed: field names and non-secret values',
  })
  changes!: Record<string, unknown> | null;

  @ApiProperty({ example: '2025-11-13T10:00:00.000Z' })
  created_at!: string;
}
