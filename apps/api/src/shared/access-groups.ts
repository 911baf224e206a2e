import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsString, Matches } from 'class-validator';

/** Access group names keys, teams and registry servers may hold: one rule, so every group is reachable. */
export const ACCESS_GROUP_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
export const ACCESS_GROUP_RULE = '1-128 characters of A-Z a-z 0-9 _ . : -';
export const MAX_ACCESS_GROUPS = 100;

/** A list of access group names (the caller adds IsOptional and its OpenAPI entry). */
export function IsAccessGroupNames(): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayMaxSize(MAX_ACCESS_GROUPS),
    IsString({ each: true }),
    Matches(ACCESS_GROUP_PATTERN, {
      each: true,
      message: `each value must be ${ACCESS_GROUP_RULE}`,
    }),
  );
}
