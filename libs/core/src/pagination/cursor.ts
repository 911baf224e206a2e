import { ValidationError } from '../errors/app-error';

/** Keyset position: the sort value and id of the last row of the previous page. */
export interface CursorPosition {
  sort: string;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string'
    ) {
      return { sort: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through: any undecodable cursor is the caller's mistake
  }
  throw ValidationError.field('cursor', 'is not a cursor returned by a previous page');
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  hasMore: boolean;
}

/**
 * Turns `limit + 1` rows fetched in keyset order into a page: the extra row only says whether
 * there is more.
 */
export function toPage<T>(rows: T[], limit: number, position: (row: T) => CursorPosition): Page<T> {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items, hasMore, nextCursor: hasMore && last ? encodeCursor(position(last)) : null };
}
