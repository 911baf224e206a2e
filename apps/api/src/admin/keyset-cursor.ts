import { decodeCursor, Page, toPage, ValidationError } from '@app/core';
import type { KeysetAfter } from '@app/dal';

/** The keyset position encoded in a list cursor (created_at, id). */
export function keysetAfter(cursor: string | undefined): KeysetAfter | undefined {
  const position = decodeCursor(cursor);
  if (!position) return undefined;
  const createdAt = new Date(position.sort);
  if (Number.isNaN(createdAt.getTime())) {
    throw ValidationError.field('cursor', 'is not a cursor returned by a previous page');
  }
  return { createdAt, id: position.id };
}

/** Cuts `limit + 1` rows into a page whose cursor points after its last row. */
export function keysetPage<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => { createdAt: Date; id: string },
): Page<T> {
  return toPage(rows, limit, (row) => {
    const { createdAt, id } = keyOf(row);
    return { sort: createdAt.toISOString(), id };
  });
}
