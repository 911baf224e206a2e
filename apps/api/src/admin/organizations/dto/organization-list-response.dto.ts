import { ApiProperty } from '@nestjs/swagger';
import { PaginationResponseDto } from '@app/core';
import { OrganizationResponseDto } from './organization-response.dto';

export class OrganizationListResponseDto {
  @ApiProperty({ type: [OrganizationResponseDto] })
  organizations!: OrganizationResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination!: PaginationResponseDto;
}
