import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * OpenAPI outline of the official shapes; the contract is modelcontextprotocol/registry's
 * docs/reference/api/openapi.yaml (2025-12-01), `ServerResponse` and `ServerList`.
 */
export class OfficialServerResponseDto {
  @ApiProperty({
    description:
      'ServerDetail: name (`<registry_namespace>/<alias>`), description (≤ 100), title, version, icons, remotes (sse | streamable-http, header names only) or packages (npm | pypi)',
    example: {
      name: 'com.acme/github',
      description: 'Issues and pull requests',
      title: 'GitHub MCP',
      version: '1.0.0',
      remotes: [
        {
          type: 'sse',
          url: 'https://mcp.example.com/sse',
          headers: [
            {
              name: 'Authorization',
              description: 'Bearer token',
              isRequired: true,
              isSecret: true,
            },
          ],
        },
      ],
    },
  })
  server!: Record<string, unknown>;

  @ApiProperty({
    description:
      '`io.modelcontextprotocol.registry/official` {status: active|deleted, publishedAt, updatedAt, isLatest}; `io.mcp-registry/server` {serverId, status, lastHealthCheck, accessGroups (admins)}',
  })
  _meta!: Record<string, unknown>;
}

export class OfficialListMetadataDto {
  @ApiProperty({ example: 30 }) count!: number;
  @ApiPropertyOptional({ description: 'Present while there is a next page' }) nextCursor?: string;
}

export class OfficialServerListDto {
  @ApiProperty({ type: [OfficialServerResponseDto] }) servers!: OfficialServerResponseDto[];
  @ApiProperty({ type: OfficialListMetadataDto }) metadata!: OfficialListMetadataDto;
}

export class OfficialNotFoundDto {
  @ApiProperty({ example: 'Server not found' }) error!: string;
}
