import { canonicalCopy, canonicalJson, CanonicalDepthError } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, 2], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,1,2]},"b":1}',
    );
    expect(canonicalJson([{ z: 1, y: 2 }, { x: [{ b: 0, a: 0 }] }])).toBe(
      '[{"y":2,"z":1},{"x":[{"a":0,"b":0}]}]',
    );
  });

  it('gives the same text for the same meaning, whatever the key order or whitespace', () => {
    const one = JSON.parse(
      '{ "name": "t", "inputSchema": { "type": "object", "required": ["a"] } }',
    );
    const two = JSON.parse('{"inputSchema":{"required":["a"],"type":"object"},"name":"t"}');
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it('tells apart what differs in meaning, to the byte', () => {
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
    expect(canonicalJson({ a: 'x ' })).not.toBe(canonicalJson({ a: 'x' }));
  });

  it('writes no whitespace between tokens', () => {
    expect(canonicalJson({ a: [1, { b: true }], c: 'd e' })).toBe('{"a":[1,{"b":true}],"c":"d e"}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
  });

  it('writes numbers as JSON.stringify does', () => {
    expect(canonicalJson(JSON.parse('[1.0, 1.50, -0, 0.1, 1e21, 1E-7, 100, 2.5e3, -1.25]'))).toBe(
      '[1,1.5,0,0.1,1e+21,1e-7,100,2500,-1.25]',
    );
    expect(canonicalJson(Number.MAX_SAFE_INTEGER + 2)).toBe('9007199254740992');
    expect(canonicalJson(5e-324)).toBe('5e-324');
    expect(canonicalJson(1.7976931348623157e308)).toBe('1.7976931348623157e+308');
  });

  it('keeps unicode as is and escapes only what JSON.stringify escapes', () => {
    expect(canonicalJson({ clé: 'héllo 😀 中文' })).toBe('{"clé":"héllo 😀 中文"}');
    expect(canonicalJson('a"b\\c\n\t\u0001\u007f\u2028')).toBe(
      '"a\\"b\\\\c\\n\\t\\u0001\u007f\u2028"',
    );
    // A lone surrogate is escaped (well-formed JSON.stringify), so the text stays valid UTF-8.
    expect(canonicalJson('\ud800x')).toBe('"\\ud800x"');
  });

  it('sorts keys by UTF-16 code units (RFC 8785), not by locale or code point', () => {
    const keys = {
      '\u20ac': 1,
      '\r': 2,
      '\ufb33': 3,
      '1': 4,
      '\ud83d\ude00': 5,
      '\u0080': 6,
      a: 7,
      B: 8,
    };
    // (Object.keys would list the integer-like key "1" first: JavaScript's own property order.)
    expect(canonicalJson(keys)).toBe(
      '{"\\r":2,"1":4,"B":8,"a":7,"\u0080":6,"\u20ac":1,"\ud83d\ude00":5,"\ufb33":3}',
    );
  });

  it('keeps an own "__proto__" key as a key', () => {
    const parsed = JSON.parse('{"__proto__":{"x":1},"a":2}');
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":1},"a":2}');
  });

  it('round-trips: parsing the text gives back an equal value', () => {
    const value = {
      tools: [{ name: 'x', inputSchema: { properties: { q: { type: 'string' } } } }],
    };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it('handles documents nested far deeper than the call stack allows', () => {
    const depth = 200_000;
    const text = '['.repeat(depth) + ']'.repeat(depth);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });

  it('refuses what is not a JSON value instead of dropping it', () => {
    expect(() => canonicalJson({ a: undefined })).toThrow(TypeError);
    expect(() => canonicalJson([Number.NaN])).toThrow(TypeError);
    expect(() => canonicalJson(Infinity)).toThrow(TypeError);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(TypeError);
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
    expect(() => canonicalJson(BigInt(1))).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow('cyclic');
  });

  it('accepts the same object twice when it is not its own ancestor', () => {
    const shared = { b: 1 };
    expect(canonicalJson({ x: shared, y: [shared, shared] })).toBe(
      '{"x":{"b":1},"y":[{"b":1},{"b":1}]}',
    );
  });

  it('orders array-index keys as text too, where JavaScript objects would list them first', () => {
    expect(canonicalJson({ b: 0, 10: 1, 9: 2, A: 3, '01': 4 })).toBe(
      '{"01":4,"10":1,"9":2,"A":3,"b":0}',
    );
    expect(canonicalJson({ properties: { '2': {}, '10': {}, x: {} } })).toBe(
      '{"properties":{"10":{},"2":{},"x":{}}}',
    );
  });

  it('takes the same text on the fast path and on the exact writer past its depth', () => {
    let deep: unknown = { z: 1, a: [1, { y: 2, b: '\u00e9' }] };
    for (let i = 0; i < 300; i++) deep = { [`k${i % 3}`]: deep, a: i };
    const viaStack = canonicalJson(deep);
    expect(JSON.parse(viaStack)).toEqual(deep);
    expect(viaStack.startsWith('{"a":299,"k2":{"a":298,')).toBe(true);
  });
});

describe('canonicalCopy', () => {
  it('copies with sorted keys, maps every string and key, and writes the canonical text', () => {
    const source = { b: 'secret-x', a: ['x secret-x', { 'secret-x': 1 }] };
    const { value, text } = canonicalCopy(source, {
      maxDepth: 10,
      mapString: (s) => s.replace(/secret-x/g, '[redacted]'),
    });
    expect(text).toBe('{"a":["x [redacted]",{"[redacted]":1}],"b":"[redacted]"}');
    expect(JSON.stringify(value)).toBe(text);
    expect(source.b).toBe('secret-x');
  });

  it('throws a CanonicalDepthError past maxDepth', () => {
    expect(() => canonicalCopy({ a: { b: { c: {} } } }, { maxDepth: 3 })).toThrow(
      CanonicalDepthError,
    );
    expect(canonicalCopy({ a: { b: {} } }, { maxDepth: 3 }).text).toBe('{"a":{"b":{}}}');
  });
});
