import {
  ifMatchAllows,
  listEtag,
  matchesIfNoneMatch,
  parseIfMatch,
  serverEtag,
} from './http-cache';

describe('registry HTTP caching', () => {
  it('makes server ETags from the version and the exact body', () => {
    const etag = serverEtag(3, '{"a":1}');
    expect(etag).toMatch(/^"v3\.[A-Za-z0-9_-]{22}"$/);
    expect(serverEtag(3, '{"a":1}')).toBe(etag);
    expect(serverEtag(3, '{"a":2}')).not.toBe(etag);
    expect(serverEtag(4, '{"a":1}')).not.toBe(etag);
  });

  it('makes list ETags that change with the paging headers', () => {
    expect(listEtag('[]', null, 0)).not.toBe(listEtag('[]', 'c', 0));
    expect(listEtag('[]', null, 0)).not.toBe(listEtag('[]', null, 1));
  });

  it('matches If-None-Match weakly, in lists and with *', () => {
    const etag = serverEtag(1, 'x');
    expect(matchesIfNoneMatch(etag, etag)).toBe(true);
    expect(matchesIfNoneMatch(`W/${etag}`, etag)).toBe(true);
    expect(matchesIfNoneMatch(`"other", ${etag}`, etag)).toBe(true);
    expect(matchesIfNoneMatch('*', etag)).toBe(true);
    expect(matchesIfNoneMatch('"other"', etag)).toBe(false);
    expect(matchesIfNoneMatch(undefined, etag)).toBe(false);
  });

  it('reads the versions an If-Match names', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('*')).toEqual({ any: true });
    expect(parseIfMatch(`${serverEtag(2, 'a')}, ${serverEtag(5, 'b')}`)).toEqual({
      versions: [2, 5],
    });
    expect(parseIfMatch(`W/${serverEtag(2, 'a')}`)).toEqual({ versions: [] });
    expect(parseIfMatch('"garbage"')).toEqual({ versions: [] });
    expect(ifMatchAllows({ versions: [2] }, 2)).toBe(true);
    expect(ifMatchAllows({ versions: [2] }, 3)).toBe(false);
    expect(ifMatchAllows({ any: true }, 9)).toBe(true);
  });
});
