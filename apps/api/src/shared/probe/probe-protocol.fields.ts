import { ApiProperty } from '@nestjs/swagger';
import { MCP_PROTOCOL_ERAS } from '@app/dal';

/** The OpenAPI of the protocol fields every probe-related response carries, written once. */
export function ProtocolVersionProperty(): PropertyDecorator {
  return ApiProperty({
    type: String,
    nullable: true,
    example: '2026-07-28',
    description:
      'The MCP protocol version the probe agreed on with the server; null when it got not that far',
  });
}

export function ProtocolEraProperty(): PropertyDecorator {
  return ApiProperty({
    enum: MCP_PROTOCOL_ERAS,
    nullable: true,
    description:
      'modern: 2026-07-28 or later, negotiated with server/discover; legacy: the 2025-era initialize handshake (2024-11-05 … 2025-11-25); null when unknown',
  });
}

export function TransportDeprecatedProperty(): PropertyDecorator {
  return ApiProperty({
    description: 'true when the server is reached over the deprecated HTTP+SSE transport (sse)',
  });
}
