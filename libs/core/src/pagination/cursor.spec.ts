import { ValidationError } from '../errors/app-error';
import { decodeCursor, encodeCursor, toPage } from './cursor';
import { toPaginationResponse } from './pagination-response.dto';

const at = (iso: string) => new Date(iso);

describe('cursor pagination', () => {
  it('round-trips a position through an opaque cursor', () => {
    const position = { createdAt: at('2025-11-13T10:00:00.000Z'), id: 'mcp_1' };
    const cursor = encodeCursor(position);
    expect(cursor).not.toContain('mcp_1');
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it('keeps the wire format of the cursors already handed out', () => {
    const cursor = Buffer.from('["2025-11-13T10:00:00.000Z","mcp_1"]').toString('base64url');
    expect(encodeCursor({ createdAt: at('2025-11-13T10:00:00.000Z'), id: 'mcp_1' })).toBe(cursor);
  });

  it('treats an absent cursor as the first page', () => {
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor('')).toBeUndefined();
  });

  it.each([
    'garbage',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('[1,2]').toString('base64url'),
    Buffer.from('["not a date","mcp_1"]').toString('base64url'),
  ])('rejects a cursor it did not make (%s) as a 400 on the cursor field', (cursor) => {
    try {
      decodeCursor(cursor);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details).toEqual({
        fields: [expect.objectContaining({ field: 'cursor' })],
      });
    }
  });

  it('uses the extra row only to tell there is more', () => {
    const rows = [1, 2, 3].map((n) => ({ id: `r${n}`, createdAt: at(`2025-11-1${n}T00:00:00Z`) }));
    const page = toPage(rows, 2, (r) => r);
    expect(page.items.map((r) => r.id)).toEqual(['r1', 'r2']);
    expect(page.hasMore).toBe(true);
    expect(decodeCursor(page.nextCursor!)).toEqual({ createdAt: rows[1].createdAt, id: 'r2' });
    const last = toPage(rows.slice(0, 2), 2, (r) => r);
    expect(last).toMatchObject({ hasMore: false, nextCursor: null });
    expect(toPaginationResponse(page)).toEqual({
      limit: 2,
      next_cursor: page.nextCursor,
      has_more: true,
    });
  });
});
