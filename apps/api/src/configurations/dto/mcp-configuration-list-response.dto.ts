import { ApiProperty } from '@nestjs/swagger';
import { CountedPaginationResponseDto } from '@app/core';
import { McpConfigurationResponseDto } from './mcp-configuration-response.dto';

export class McpConfigurationListResponseDto {
  @ApiProperty({ type: [McpConfigurationResponseDto] })
  configurations!: McpConfigurationResponseDto[];

  @ApiProperty({ type: CountedPaginationResponseDto })
  pagination!: CountedPaginationResponseDto;
}
