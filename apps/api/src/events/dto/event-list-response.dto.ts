import { ApiProperty } from '@nestjs/swagger';
import { EVENT_TYPES } from '@app/events';

export class EventResponseDto {
  @ApiProperty({
    example: 'ev_6f1c0d4e9a8b4c2d8e7f6a5b4c3d2e1f',
    description: 'Also the Webhook-Id',
  })
  id!: string;

  @ApiProperty({ example: 42, description: 'Strictly increasing per organization, without gaps' })
  sequence!: number;

  @ApiProperty({ enum: EVENT_TYPES })
  type!: string;

  @ApiProperty({ example: 'org_xyz789' })
  organization_id!: string;

  @ApiProperty({ example: 'github-mcp' })
  resource_id!: string;

  @ApiProperty({ example: '2025-11-13T10:00:00.000Z' })
  occurred_at!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The resource as the API shows it to an org_admin (secrets masked)',
  })
  data!: Record<string, unknown> | null;
}

export class EventListResponseDto {
  @ApiProperty({ type: [EventResponseDto] })
  events!: EventResponseDto[];

  @ApiProperty({
    example: 42,
    description: 'Pass as `after` next time: every event up to it was returned or filtered out',
  })
  next_after!: number;

  @ApiProperty({ description: 'More events are already waiting: ask again at once' })
  has_more!: boolean;
}
