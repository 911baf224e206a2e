import { ProbeFailure } from './probe-failure.error';
import { SecretRedactor } from './secret-redactor';
import {
  fingerprintedDefinition,
  MAX_TOOL_DEFINITION_DEPTH,
  toolFingerprint,
  ToolObject,
  toolSetFingerprint,
} from './tool-fingerprint';

/** The stored copy of a tool, as a probe makes it. */
function redactedDefinition(tool: ToolObject, redactor: SecretRedactor): ToolObject {
  return fingerprintedDefinition(String(tool.name), tool, redactor).definition;
}

const NO_SECRETS = new SecretRedactor([]);

function tool(overrides: ToolObject = {}): ToolObject {
  return {
    name: 'search',
    description: 'Search the code',
    inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
    ...overrides,
  };
}

function entry(definition: ToolObject): { name: string; fingerprint: string } {
  return { name: String(definition.name), fingerprint: toolFingerprint(definition) };
}

describe('tool fingerprints', () => {
  it('is the hex SHA-256 of the canonical JSON of the whole wire object', () => {
    // printf '{"name":"a"}' | sha256sum
    expect(toolFingerprint({ name: 'a' })).toBe(
      'd9d719b27480b55cd4918020e7473e716ed3569c8adafe926cf9b10b4f8ef064',
    );
    expect(toolFingerprint(tool())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not change when the keys come in another order', () => {
    const reordered = JSON.parse(
      '{"inputSchema":{"required":["q"],"properties":{"q":{"type":"string"}},"type":"object"},"description":"Search the code","name":"search"}',
    ) as ToolObject;
    expect(toolFingerprint(reordered)).toBe(toolFingerprint(tool()));
  });

  it('changes with any byte of meaning, in any field', () => {
    const base = toolFingerprint(tool());
    const variants: ToolObject[] = [
      tool({ description: 'Search the code.' }),
      tool({ title: 'Search' }),
      tool({ annotations: { destructiveHint: true } }),
      tool({ outputSchema: { type: 'object' } }),
      tool({ _meta: { 'x-vendor': 1 } }),
      tool({ inputSchema: { type: 'object', properties: { q: { type: 'string' }, v: {} } } }),
      tool({ inputSchema: { type: 'object', properties: { q: { type: 'string' } } } }),
    ];
    const prints = variants.map(toolFingerprint);
    expect(new Set([base, ...prints]).size).toBe(variants.length + 1);
  });

  it('fingerprints a set independently of the listing order', () => {
    const a = entry(tool({ name: 'a' }));
    const b = entry(tool({ name: 'b' }));
    const c = entry(tool({ name: 'c' }));
    expect(toolSetFingerprint([a, b, c])).toBe(toolSetFingerprint([c, a, b]));
    expect(toolSetFingerprint([a, b])).not.toBe(toolSetFingerprint([a, b, c]));
    expect(toolSetFingerprint([a, b])).not.toBe(toolSetFingerprint([a, c]));
    expect(toolSetFingerprint([])).toMatch(/^[0-9a-f]{64}$/);
  });

  it('removes the secrets the probe sent from every string, keys included', () => {
    const redactor = new SecretRedactor(['tok-SECRET-123']);
    const copy = redactedDefinition(
      tool({
        description: 'uses tok-SECRET-123',
        inputSchema: { properties: { 'tok-SECRET-123': { default: ['x tok-SECRET-123'] } } },
      }),
      redactor,
    );
    expect(JSON.stringify(copy)).not.toContain('SECRET');
    expect(copy.description).toBe('uses [redacted]');
  });

  it('keeps every field whole: nothing is cut to the display limits', () => {
    const long = 'd'.repeat(10_000);
    expect(redactedDefinition(tool({ description: long }), NO_SECRETS).description).toBe(long);
  });

  it('fingerprints the stored copy: the same as the canonical JSON of the wire object', () => {
    const wire = tool({ annotations: { b: 1, a: 2 } });
    const made = fingerprintedDefinition('search', wire, NO_SECRETS);
    expect(made.fingerprint).toBe(toolFingerprint(wire));
    expect(made.fingerprint).toBe(toolFingerprint(made.definition));
    expect(Object.keys(made.definition)).toEqual([
      'annotations',
      'description',
      'inputSchema',
      'name',
    ]);
  });

  it('keeps a "__proto__" key as data', () => {
    const parsed = JSON.parse('{"name":"p","__proto__":{"polluted":true}}') as ToolObject;
    const copy = redactedDefinition(parsed, NO_SECRETS);
    expect(Object.keys(copy).sort()).toEqual(['__proto__', 'name']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(toolFingerprint(copy)).toBe(toolFingerprint(parsed));
  });

  it('refuses a tool nested deeper than the limit as a malformed message', () => {
    const nested = (depth: number): ToolObject => {
      let schema: unknown = {};
      for (let i = 2; i < depth; i++) schema = { items: schema };
      return { name: 'deep', inputSchema: schema };
    };
    expect(() => redactedDefinition(nested(MAX_TOOL_DEFINITION_DEPTH), NO_SECRETS)).not.toThrow();
    let failure: unknown;
    try {
      redactedDefinition(nested(MAX_TOOL_DEFINITION_DEPTH + 1), NO_SECRETS);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ProbeFailure);
    expect((failure as ProbeFailure).kind).toBe('protocol_error');
  });
});
