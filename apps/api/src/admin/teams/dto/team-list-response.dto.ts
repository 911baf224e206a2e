import { ApiProperty } from '@nestjs/swagger';
import { PaginationResponseDto } from '@app/core';
import { TeamResponseDto } from './team-response.dto';

export class TeamListResponseDto {
  @ApiProperty({ type: [TeamResponseDto] })
  teams!: TeamResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination!: PaginationResponseDto;
}
