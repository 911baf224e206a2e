import type { ValueTransformer } from 'typeorm';

/**
 * BIGINT columns as JavaScript numbers. mysql2 returns them as strings (or numbers when small),
 * better-sqlite3 as numbers; sequences stay far below 2^53.
 */
export const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value ?? null,
  from: (value: string | number | null | undefined) =>
    value === null || value === undefined ? null : Number(value),
};
