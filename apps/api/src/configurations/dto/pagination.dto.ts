import { ApiProperty } from '@nestjs/swagger';

export class PaginationDto {
  @ApiProperty()
  limit!: number;

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page' })
  next_cursor!: string | null;

  @ApiProperty()
  has_more!: boolean;

  @ApiProperty({ description: 'Rows matching the filter, across all pages' })
  total_count!: number;
}
