import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsAccessGroupNames } from '../../shared/access-groups';

/** An optional list of access group names (1–128 of `[A-Za-z0-9_.:-]` each). */
export function IsAccessGroupList(description: string) {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], description, example: ['engineering'] }),
    IsOptional(),
    IsAccessGroupNames(),
  );
}

/** Sorted and without duplicates: how access groups are stored and returned. */
export function normalizeNames(values: string[] | undefined): string[] {
  return [...new Set(values ?? [])].sort();
}
