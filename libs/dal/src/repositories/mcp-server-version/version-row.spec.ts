import { accessGroupsOfText, accessGroupsText, cutText, versionColumnsOf } from './version-row';

describe('version rows', () => {
  it('cuts text to the official 100 characters with an ellipsis, never inside a surrogate pair', () => {
    expect(cutText('short', 100)).toBe('short');
    expect(cutText('a'.repeat(100), 100)).toBe('a'.repeat(100));
    expect(cutText('a'.repeat(101), 100)).toBe(`${'a'.repeat(99)}…`);
    const emoji = `${'a'.repeat(98)}😀😀`;
    const cut = cutText(emoji, 100);
    expect(cut).toBe(`${'a'.repeat(98)}…`);
    expect([...cut].length).toBeLessThanOrEqual(100);
  });

  it('serves the first non-blank description: its own, mcp_info, else the name', () => {
    const base = {
      serverId: 's',
      serverName: 'Server',
      alias: 'Server_1',
      transport: 'sse' as const,
      url: 'https://x.example.com',
      authType: 'api_key' as const,
      credentialHeader: 'X-Key',
      command: 'npx',
      args: ['x'],
      envKeys: ['A'],
      serverVersion: '1.0.0',
      catalogPublic: false,
      accessGroups: ['b', 'a'],
    };
    const info = (description: string | null) => ({
      server_name: null,
      description,
      logo_url: null,
      mcp_server_cost_info: { default_cost_per_query: 0, tool_name_to_cost_per_query: {} },
    });
    expect(
      versionColumnsOf({ ...base, description: '  ', mcpInfo: info('From info') }),
    ).toMatchObject({
      description: 'From info',
      aliasKey: 'server_1',
      title: 'Server',
      credentialHeader: 'X-Key',
      // A remote server keeps no command, args nor env names.
      command: null,
      args: [],
      envKeys: [],
      accessGroups: '|a|b|',
      hasAccessGroups: true,
    });
    expect(versionColumnsOf({ ...base, description: null, mcpInfo: info(null) }).description).toBe(
      'Server',
    );
  });

  it('stores access groups as |a|b| and reads them back', () => {
    expect(accessGroupsText([])).toBe('');
    expect(accessGroupsOfText(accessGroupsText(['z', 'a.b']))).toEqual(['a.b', 'z']);
  });
});
