import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches } from 'class-validator';

export const ACCESS_GROUP_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
export const MAX_ACCESS_GROUPS = 100;

/** An optional list of access group names (1–128 of `[A-Za-z0-9_.:-]` each). */
export function IsAccessGroupList(description: string) {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], description, example: ['engineering'] }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_ACCESS_GROUPS),
    IsString({ each: true }),
    Matches(ACCESS_GROUP_PATTERN, {
      each: true,
      message: 'each value must be 1-128 characters of A-Z a-z 0-9 _ . : -',
    }),
  );
}

/** Sorted and without duplicates: how access groups are stored and returned. */
export function normalizeNames(values: string[] | undefined): string[] {
  return [...new Set(values ?? [])].sort();
}
