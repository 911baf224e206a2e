import { ValidationError } from '../errors/app-error';

/**
 * Keyset position: the creation time and id of the last row of the previous page. Every list of
 * the API pages in (created_at, id) order; a list whose id is not unique on its own (registry
 * servers across organizations) puts its tie-breaker into `id`.
 */
export interface KeysetPosition {
  createdAt: Date;
  id: string;
}

const NOT_A_CURSOR = 'is not a cursor returned by a previous page';

/** A cursor's text: the parts of the last position, as base64url JSON (opaque to clients). */
export function encodeCursorParts(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/**
 * The `count` string parts (each at most `maxLength` long) of a cursor made by
 * encodeCursorParts; absent or empty is the first page (undefined), anything else a 400 naming
 * `cursor`. Every cursor of the service is read here.
 */
export function decodeCursorParts(
  cursor: string | undefined,
  count: number,
  maxLength = Number.POSITIVE_INFINITY,
): string[] | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw notACursor();
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === count &&
    parsed.every((part) => typeof part === 'string' && part.length <= maxLength)
  ) {
    return parsed as string[];
  }
  throw notACursor();
}

export function encodeCursor(position: KeysetPosition): string {
  return encodeCursorParts([position.createdAt.toISOString(), position.id]);
}

/** The position a cursor names; absent or empty is the first page, anything else a 400. */
export function decodeCursor(cursor: string | undefined): KeysetPosition | undefined {
  const parts = decodeCursorParts(cursor, 2);
  if (parts === undefined) return undefined;
  const createdAt = new Date(parts[0]);
  if (Number.isNaN(createdAt.getTime())) throw notACursor();
  return { createdAt, id: parts[1] };
}

function notACursor(): ValidationError {
  return ValidationError.field('cursor', NOT_A_CURSOR);
}

export interface Page<T> {
  items: T[];
  limit: number;
  nextCursor: string | null;
  hasMore: boolean;
}

/**
 * Turns `limit + 1` rows fetched in keyset order into a page: the extra row only says whether
 * there is more.
 */
export function toPage<T>(
  rows: T[],
  limit: number,
  positionOf: (row: T) => KeysetPosition,
): Page<T> {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return {
    items,
    limit,
    hasMore,
    nextCursor: hasMore && last ? encodeCursor(positionOf(last)) : null,
  };
}
