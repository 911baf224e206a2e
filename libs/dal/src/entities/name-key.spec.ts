import { createHash } from 'node:crypto';
import { foldName, nameKeyOf } from './name-key';
import { aliasKeyOf, serverNameKeyOf } from '../repositories/mcp-server/mcp-server.types';

describe('name keys', () => {
  it('folds case and Unicode composition the same way for every name', () => {
    const composed = 'Caf\u00e9 Tools';
    const decomposed = 'CAFE\u0301 tools';
    expect(nameKeyOf(composed)).toBe(nameKeyOf(decomposed));
    expect(serverNameKeyOf('My Server')).toBe(nameKeyOf('my server'));
    expect(aliasKeyOf('My_Alias')).toBe(foldName('my_alias'));
  });

  it('keeps the keys already stored for ASCII server names (no migration)', () => {
    const stored = (name: string) =>
      createHash('sha256').update(name.toLowerCase(), 'utf8').digest('hex');
    for (const name of ['Search Tools', 'a_b.c 1', 'X'.repeat(128)]) {
      expect(serverNameKeyOf(name)).toBe(stored(name));
    }
    expect(aliasKeyOf('GitHub_MCP')).toBe('github_mcp');
  });

  it('tells different names apart, trailing spaces included', () => {
    expect(nameKeyOf('a')).not.toBe(nameKeyOf('a '));
    expect(nameKeyOf('a')).toMatch(/^[0-9a-f]{64}$/);
  });
});
