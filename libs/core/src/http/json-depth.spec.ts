import { findJsonDepthViolation, MAX_JSON_DEPTH } from './json-depth';

const nested = (levels: number, leaf = '1') => '['.repeat(levels) + leaf + ']'.repeat(levels);
const nestedObjects = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

describe('findJsonDepthViolation', () => {
  it('accepts the limit and refuses one level more', () => {
    expect(findJsonDepthViolation(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(findJsonDepthViolation(nested(MAX_JSON_DEPTH + 1))).toBe('body');
    expect(findJsonDepthViolation(nestedObjects(MAX_JSON_DEPTH))).toBeNull();
    expect(findJsonDepthViolation(nestedObjects(MAX_JSON_DEPTH + 1))).toBe('a');
  });

  it('names the top-level field holding the deep value', () => {
    const body = `{"server_name":"x","mcp_info":${nested(100)},"alias":"y"}`;
    expect(findJsonDepthViolation(body)).toBe('mcp_info');
    expect(findJsonDepthViolation(`{"env":{"A":"["},"args":${nested(100)}}`)).toBe('args');
  });

  it('ignores brackets and escaped quotes inside strings', () => {
    const brackets = JSON.stringify({ s: '['.repeat(500) + '\\"{'.repeat(500) });
    expect(findJsonDepthViolation(brackets)).toBeNull();
    expect(findJsonDepthViolation(`{"k\\"ey":${nested(70)}}`)).toBe('body');
    // A string ending in an escaped backslash closes at the next quote.
    const deepArray = JSON.parse(nested(70)) as unknown;
    expect(findJsonDepthViolation(JSON.stringify({ s: 'a\\', t: deepArray }))).toBe('t');
    expect(findJsonDepthViolation(JSON.stringify({ s: 'a\\"[[[', t: 1 }))).toBeNull();
  });

  it('never names a field it would have to echo unsafely', () => {
    expect(findJsonDepthViolation(`{"<script>":${nested(70)}}`)).toBe('body');
    expect(findJsonDepthViolation(`{"${'x'.repeat(100)}":${nested(70)}}`)).toBe('body');
  });

  it('scans a hostile megabyte in linear time with a flat stack', () => {
    const deep = nested(500_000);
    const started = process.hrtime.bigint();
    expect(findJsonDepthViolation(deep)).toBe('body');
    const flat = `[${'1,'.repeat(500_000)}1]`;
    expect(findJsonDepthViolation(flat)).toBeNull();
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });
});
