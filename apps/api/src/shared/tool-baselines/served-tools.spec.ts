import { serveTools, ToolIndexes } from './served-tools';

const discovered = [
  { name: 'read', description: 'Read a file' },
  { name: 'write', description: 'Write a file' },
  { name: 'exec', description: 'Run a command' },
];
// read: approved; write: another version approved; exec: not in the baseline.
const indexes: ToolIndexes = {
  baselineIndex: [
    { name: 'read', fingerprint: 'r1' },
    { name: 'write', fingerprint: 'w1' },
  ],
  observedIndex: [
    { name: 'read', fingerprint: 'r1' },
    { name: 'write', fingerprint: 'w2' },
    { name: 'exec', fingerprint: 'e1' },
  ],
};

describe('serveTools', () => {
  it('withholds allowed tools that differ from the baseline (withhold)', () => {
    expect(serveTools(discovered, ['read', 'write', 'exec'], indexes, 'withhold')).toEqual({
      tools: [{ name: 'read', description: 'Read a file' }],
      withheld: [
        { name: 'write', drift: 'changed' },
        { name: 'exec', drift: 'added' },
      ],
    });
  });

  it('serves them marked instead (flag)', () => {
    expect(serveTools(discovered, ['read', 'write', 'exec'], indexes, 'flag')).toEqual({
      tools: [
        { name: 'read', description: 'Read a file' },
        { name: 'write', description: 'Write a file', drift: 'changed' },
        { name: 'exec', description: 'Run a command', drift: 'added' },
      ],
      withheld: [],
    });
  });

  it('without an allow-list serves every tool, marking those that differ, under either policy', () => {
    for (const policy of ['withhold', 'flag'] as const) {
      expect(serveTools(discovered, null, indexes, policy).tools).toEqual([
        { name: 'read', description: 'Read a file' },
        { name: 'write', description: 'Write a file', drift: 'changed' },
        { name: 'exec', description: 'Run a command', drift: 'added' },
      ]);
    }
  });

  it('leaves out tools the allow-list does not name, whatever their drift', () => {
    expect(serveTools(discovered, ['read'], indexes, 'withhold')).toEqual({
      tools: [{ name: 'read', description: 'Read a file' }],
      withheld: [],
    });
  });

  it('treats every tool as unapproved while there is no baseline', () => {
    const unapproved = { baselineIndex: null, observedIndex: indexes.observedIndex };
    expect(serveTools(discovered, ['read'], unapproved, 'withhold')).toEqual({
      tools: [],
      withheld: [{ name: 'read', drift: 'unapproved' }],
    });
  });

  it('serves tools discovered before any fingerprinting probe as they are', () => {
    expect(serveTools(discovered, ['read', 'exec'], null, 'withhold')).toEqual({
      tools: [
        { name: 'read', description: 'Read a file' },
        { name: 'exec', description: 'Run a command' },
      ],
      withheld: [],
    });
  });
});
