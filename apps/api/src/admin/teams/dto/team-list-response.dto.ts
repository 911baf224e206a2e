import { ApiProperty } from '@nestjs/swagger';
import { PaginationResponseDto } from '../../dto/pagination-response.dto';
import { TeamResponseDto } from './team-response.dto';

export class TeamListResponseDto {
  @ApiProperty({ type: [TeamResponseDto] })
  teams!: TeamResponseDto[];

  @ApiProperty({ type: PaginationResponseDto })
  pagination!: PaginationResponseDto;
}
