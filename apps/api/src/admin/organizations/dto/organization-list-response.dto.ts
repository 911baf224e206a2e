import { ApiProperty } from '@nestjs/swagger';
import { PaginationResponseDto } from '../../dto/pagination-response.dto';
import { OrganizationResponseDto } from './organization-response.dto';

export class OrganizationListResponseDto {
  @ApiProperty({ type: [OrganizationResponseDto] })
  organizations!: OrganizationResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination!: PaginationResponseDto;
}
