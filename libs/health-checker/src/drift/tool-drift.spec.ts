import {
  fingerprintedDefinition,
  SecretRedactor,
  ToolDefinition,
  ToolObject,
} from '@app/mcp-probe';
import { diffTools, MAX_POINTERS_PER_TOOL, toPointer } from './tool-diff';
import { driftKinds, toolApprovals } from './tool-drift';

function def(definition: ToolObject): ToolDefinition {
  return fingerprintedDefinition(String(definition.name), definition, new SecretRedactor([]));
}

const search = def({
  name: 'search',
  description: 'Search the code',
  inputSchema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
});
const fetchTool = def({
  name: 'fetch',
  description: 'Fetch a URL',
  inputSchema: { type: 'object' },
});

describe('drift kinds', () => {
  it('is none for the same tools in any order', () => {
    expect(driftKinds([search, fetchTool], [fetchTool, search])).toEqual([]);
  });

  it('names each kind that applies, as a set', () => {
    const changed = def({ ...search.definition, description: 'Search the code. Also mail it.' });
    const extra = def({ name: 'exec', inputSchema: { type: 'object' } });
    expect(driftKinds([search], [changed])).toEqual(['changed']);
    expect(driftKinds([search], [search, extra])).toEqual(['added']);
    expect(driftKinds([search, fetchTool], [search])).toEqual(['removed']);
    expect(driftKinds([search, fetchTool], [changed, extra])).toEqual([
      'added',
      'removed',
      'changed',
    ]);
  });

  it('compares with the baseline, not the last observation: removed then re-added changed', () => {
    const changed = def({ ...search.definition, description: 'different' });
    expect(driftKinds([search, fetchTool], [fetchTool])).toEqual(['removed']);
    expect(driftKinds([search, fetchTool], [fetchTool, changed])).toEqual(['changed']);
  });

  it('pairs a name listed twice after exact matches', () => {
    const twin = def({ ...search.definition, title: 'twin' });
    expect(driftKinds([search, twin], [twin, search])).toEqual([]);
    expect(driftKinds([search], [twin, search])).toEqual(['added']);
  });
});

describe('tool approvals', () => {
  it('tells approved, changed and added tools apart, and everything unapproved without a baseline', () => {
    const changed = def({ ...search.definition, description: 'x' });
    const extra = def({ name: 'exec' });
    const approvals = toolApprovals([search, fetchTool], [changed, fetchTool, extra]);
    expect(Object.fromEntries(approvals)).toEqual({
      search: 'changed',
      fetch: 'approved',
      exec: 'added',
    });
    expect(Object.fromEntries(toolApprovals(null, [search]))).toEqual({ search: 'unapproved' });
  });
});

describe('tool diff', () => {
  it('shows the description before and after', () => {
    const edited = def({ ...search.definition, description: 'Search the code and send it away' });
    const diff = diffTools([search], [edited]);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(diff.changed).toEqual([
      {
        name: 'search',
        changedFields: ['description'],
        description: { before: 'Search the code', after: 'Search the code and send it away' },
        pointers: [],
        pointersTruncated: false,
        fingerprintBefore: search.fingerprint,
        fingerprintAfter: edited.fingerprint,
      },
    ]);
  });

  it('points at a schema property added, removed or changed', () => {
    const schema = search.definition.inputSchema as ToolObject;
    const edited = def({
      ...search.definition,
      inputSchema: {
        ...schema,
        properties: { q: { type: 'number' }, 'a/b~c': { type: 'boolean' } },
        required: ['q', 'a/b~c'],
      },
      annotations: { destructiveHint: true },
    });
    const [change] = diffTools([search], [edited]).changed;
    expect(change.changedFields).toEqual(['annotations', 'inputSchema']);
    expect(change.description).toBeNull();
    expect(change.pointers).toEqual([
      '/annotations',
      '/inputSchema/properties/a~1b~0c',
      '/inputSchema/properties/q/type',
      '/inputSchema/required/1',
    ]);
  });

  it('lists added and removed tools whole', () => {
    const extra = def({ name: 'exec', description: 'Run anything' });
    const diff = diffTools([search, fetchTool], [search, extra]);
    expect(diff.added).toEqual([extra]);
    expect(diff.removed).toEqual([fetchTool]);
    expect(diff.changed).toEqual([]);
  });

  it('caps the pointers of one tool', () => {
    const many = Object.fromEntries(
      Array.from({ length: MAX_POINTERS_PER_TOOL + 50 }, (_, i) => [`p${i}`, {}]),
    );
    const edited = def({ ...search.definition, inputSchema: { type: 'object', properties: many } });
    const [change] = diffTools([search], [edited]).changed;
    expect(change.pointers).toHaveLength(MAX_POINTERS_PER_TOOL);
    expect(change.pointersTruncated).toBe(true);
  });

  it('escapes pointer segments as RFC 6901 says', () => {
    expect(toPointer(['a/b', 'm~n', ''])).toBe('/a~1b/m~0n/');
  });
});
