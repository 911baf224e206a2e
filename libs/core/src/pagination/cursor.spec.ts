import { ValidationError } from '../errors/app-error';
import { decodeCursor, encodeCursor, toPage } from './cursor';

describe('cursor pagination', () => {
  it('round-trips a position through an opaque cursor', () => {
    const cursor = encodeCursor({ sort: '2025-11-13T10:00:00.000Z', id: 'mcp_1' });
    expect(cursor).not.toContain('mcp_1');
    expect(decodeCursor(cursor)).toEqual({ sort: '2025-11-13T10:00:00.000Z', id: 'mcp_1' });
  });

  it('treats an absent cursor as the first page', () => {
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor('')).toBeUndefined();
  });

  it.each([
    'garbage',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('[1,2]').toString('base64url'),
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
    const rows = [1, 2, 3].map((n) => ({ id: `r${n}`, at: `t${n}` }));
    const page = toPage(rows, 2, (r) => ({ sort: r.at, id: r.id }));
    expect(page.items.map((r) => r.id)).toEqual(['r1', 'r2']);
    expect(page.hasMore).toBe(true);
    expect(decodeCursor(page.nextCursor!)).toEqual({ sort: 't2', id: 'r2' });
    const last = toPage(rows.slice(0, 2), 2, (r) => ({ sort: r.at, id: r.id }));
    expect(last).toMatchObject({ hasMore: false, nextCursor: null });
  });
});
