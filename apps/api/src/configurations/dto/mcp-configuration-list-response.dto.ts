import { ApiProperty } from '@nestjs/swagger';
import { McpConfigurationResponseDto } from './mcp-configuration-response.dto';
import { PaginationDto } from './pagination.dto';

export class McpConfigurationListResponseDto {
  @ApiProperty({ type: [McpConfigurationResponseDto] })
  configurations!: McpConfigurationResponseDto[];

  @ApiProperty({ type: PaginationDto })
  pagination!: PaginationDto;
}
