import { ApiProperty } from '@nestjs/swagger';
import { PaginationResponseDto } from '@app/core';
import { ApiKeyResponseDto } from './api-key-response.dto';

export class ApiKeyListResponseDto {
  @ApiProperty({ type: [ApiKeyResponseDto] })
  api_keys!: ApiKeyResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination!: PaginationResponseDto;
}
