import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { EVENT_TYPES, MAX_TYPE_PATTERNS, MAX_WEBHOOK_URL_LENGTH } from '@app/events';

/** `url`: https (plain http to loopback with MCP_ALLOW_LOOPBACK); vetted further by the service. */
export function IsWebhookUrl() {
  return applyDecorators(
    ApiProperty({
      example: 'https://hooks.example.com/mcp-registry',
      maxLength: MAX_WEBHOOK_URL_LENGTH,
      description:
        'Where events are POSTed: https, under the probe target policy (loopback only with MCP_ALLOW_LOOPBACK, which also allows plain http to loopback)',
    }),
    IsString(),
    MaxLength(MAX_WEBHOOK_URL_LENGTH),
  );
}

/** `types`: exact event types, `<resource>.*` or `*`; empty or absent: every type. */
export function IsWebhookTypes() {
  return applyDecorators(
    ApiPropertyOptional({
      type: [String],
      example: ['mcp_server.*', 'team.changed'],
      description: `Event types delivered (${EVENT_TYPES.join(', ')}), a resource's "<resource>.*" or "*"; default every type`,
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_TYPE_PATTERNS),
    IsString({ each: true }),
    MaxLength(80, { each: true }),
  );
}

export function IsWebhookActive() {
  return applyDecorators(
    ApiPropertyOptional({
      default: true,
      description: 'false pauses deliveries (events are kept for when it is active again)',
    }),
    IsOptional(),
    IsBoolean(),
  );
}
