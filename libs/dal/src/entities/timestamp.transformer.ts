import type { ValueTransformer } from 'typeorm';

/**
 * Stores instants as UTC with milliseconds on both databases. SQLite keeps them as ISO-like
 * text, MySQL as DATETIME(3) (the connection runs in UTC).
 */
export const utcDate: ValueTransformer = {
  to: (value: Date | null | undefined) => value ?? null,
  from: (value: Date | string | null | undefined) => {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return value;
    return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
  },
};
