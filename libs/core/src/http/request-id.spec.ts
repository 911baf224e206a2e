import type { IncomingMessage } from 'node:http';
import { requestIdFor } from './request-id';

const req = (header?: string | string[]) =>
  ({
    headers: header === undefined ? {} : { 'x-request-id': header },
  }) as unknown as IncomingMessage;

describe('requestIdFor', () => {
  it('keeps a safe incoming id', () => {
    expect(requestIdFor(req('abc-123_X.y:z'))).toBe('abc-123_X.y:z');
  });

  it.each(['has space', 'x'.repeat(65), '<script>', ''])('replaces an unsafe id (%s)', (value) => {
    expect(requestIdFor(req(value))).toMatch(/^req_[0-9a-f]{24}$/);
  });

  it('makes one when none is sent and gives the same id on a second call', () => {
    const r = req();
    const id = requestIdFor(r);
    expect(id).toMatch(/^req_[0-9a-f]{24}$/);
    expect(requestIdFor(r)).toBe(id);
  });

  it('makes distinct ids across many requests (through several refills of the random pool)', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i += 1) ids.add(requestIdFor(req()));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{24}$/);
  });
});
