import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { Page } from './cursor';

/** The `pagination` object of every list response. */
export class PaginationResponseDto {
  @ApiProperty({ example: 50 })
  limit!: number;

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page' })
  next_cursor!: string | null;

  @ApiProperty()
  has_more!: boolean;
}

/**
 * A list that also counts its matches (custom configurations, API.md §3). The schema keeps the
 * name it has always had in the OpenAPI document, so generated clients do not change.
 */
@ApiSchema({ name: 'PaginationDto' })
export class CountedPaginationResponseDto extends PaginationResponseDto {
  @ApiProperty({ description: 'Rows matching the filter, across all pages' })
  total_count!: number;
}

export function toPaginationResponse(page: Page<unknown>): PaginationResponseDto {
  return { limit: page.limit, next_cursor: page.nextCursor, has_more: page.hasMore };
}
