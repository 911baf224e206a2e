import { ApiProperty } from '@nestjs/swagger';
import { PaginationResponseDto } from '@app/core';

export class WebhookResponseDto {
  @ApiProperty({ example: 'whk_6f1c0d4e9a8b4c2d8e7f6a5b4c3d2e1f' })
  id!: string;

  @ApiProperty({ example: 'org_xyz789' })
  organization_id!: string;

  @ApiProperty({ example: 'https://hooks.example.com/mcp-registry' })
  url!: string;

  @ApiProperty({ type: [String], example: ['mcp_server.*'], description: 'Empty: every type' })
  types!: string[];

  @ApiProperty()
  active!: boolean;

  @ApiProperty({
    example: 41,
    description: 'Every event up to this sequence is done (delivered, or not of these types)',
  })
  delivered_sequence!: number;

  @ApiProperty({ example: 0, description: 'Failed attempts of the next event' })
  failed_attempts!: number;

  @ApiProperty({ type: String, nullable: true, description: 'When the failed event is retried' })
  next_attempt_at!: string | null;

  @ApiProperty({ type: String, nullable: true })
  disabled_at!: string | null;

  @ApiProperty({ type: String, nullable: true })
  disabled_reason!: string | null;

  @ApiProperty({ example: 'usr_1234' })
  created_by!: string;

  @ApiProperty()
  created_at!: string;

  @ApiProperty()
  updated_at!: string;
}

export class CreatedWebhookResponseDto extends WebhookResponseDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description:
      'The signing secret (Standard Webhooks format), shown only in this response; stored encrypted',
  })
  secret!: string;
}

export class WebhookListResponseDto {
  @ApiProperty({ type: [WebhookResponseDto] })
  webhooks!: WebhookResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination!: PaginationResponseDto;
}

export class WebhookDeliveryResponseDto {
  @ApiProperty({ example: 'dlv_6f1c0d4e9a8b4c2d8e7f6a5b4c3d2e1f' })
  id!: string;

  @ApiProperty({ example: 'ev_6f1c0d4e9a8b4c2d8e7f6a5b4c3d2e1f', description: 'The Webhook-Id' })
  event_id!: string;

  @ApiProperty({ example: 42 })
  sequence!: number;

  @ApiProperty({ example: 'mcp_server.updated' })
  event_type!: string;

  @ApiProperty({ example: 1, description: 'Attempt number of this event (0: skipped)' })
  attempt!: number;

  @ApiProperty({ enum: ['delivered', 'failed', 'skipped'] })
  outcome!: string;

  @ApiProperty({ type: Number, nullable: true, example: 200 })
  http_status!: number | null;

  @ApiProperty({ type: String, nullable: true, example: 'the receiver answered HTTP 503' })
  error!: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 38 })
  duration_ms!: number | null;

  @ApiProperty()
  attempted_at!: string;

  @ApiProperty({ type: String, nullable: true })
  next_attempt_at!: string | null;
}

export class WebhookDeliveryListResponseDto {
  @ApiProperty({ type: [WebhookDeliveryResponseDto] })
  deliveries!: WebhookDeliveryResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination!: PaginationResponseDto;
}
