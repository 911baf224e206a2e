import {
  ifMatchAllows,
  listEtag,
  matchesIfNoneMatch,
  parseIfMatch,
  versionEtag,
} from './http-cache';

describe('HTTP caching of versioned resources', () => {
  it('makes ETags from the version and the exact body', () => {
    const etag = versionEtag(3, '{"a":1}');
    expect(etag).toMatch(/^"v3\.[A-Za-z0-9_-]{22}"$/);
    expect(versionEtag(3, '{"a":1}')).toBe(etag);
    expect(versionEtag(3, '{"a":2}')).not.toBe(etag);
    expect(versionEtag(4, '{"a":1}')).not.toBe(etag);
  });

  it('makes list ETags that change with the paging headers', () => {
    expect(listEtag('[]', null, 0)).not.toBe(listEtag('[]', 'c', 0));
    expect(listEtag('[]', null, 0)).not.toBe(listEtag('[]', null, 1));
  });

  it('matches If-None-Match weakly, in lists and with *', () => {
    const etag = versionEtag(1, 'x');
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
    expect(parseIfMatch(`${versionEtag(2, 'a')}, ${versionEtag(5, 'b')}`)).toEqual({
      versions: [2, 5],
    });
    expect(parseIfMatch(`W/${versionEtag(2, 'a')}`)).toEqual({ versions: [] });
    expect(parseIfMatch('"garbage"')).toEqual({ versions: [] });
    expect(ifMatchAllows({ versions: [2] }, 2)).toBe(true);
    expect(ifMatchAllows({ versions: [2] }, 3)).toBe(false);
    expect(ifMatchAllows({ any: true }, 9)).toBe(true);
  });
});
