import { ValidationError } from '@app/core';
import { defaultAliasOf, normalizeServerInput } from './server-input.normalizer';

const ALLOWLIST = ['npx', 'node', 'uvx', 'python3'];

function errorFields(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) {
      return ((error.details?.fields ?? []) as { field: string }[]).map((f) => f.field);
    }
    throw error;
  }
  return [];
}

describe('normalizeServerInput', () => {
  it('derives a valid alias from any server name', () => {
    expect(defaultAliasOf('My Server.v2')).toBe('My_Server_v2');
    expect(defaultAliasOf('a'.repeat(128))).toHaveLength(64);
  });

  it('takes only a bare allowlisted command for stdio, never a path to one', () => {
    for (const command of ['/usr/local/bin/npx', 'C:\\tools\\uvx', '/tmp/x/node', '../node']) {
      expect(
        errorFields(() =>
          normalizeServerInput({ server_name: 'A', transport: 'stdio', command }, ALLOWLIST),
        ),
      ).toEqual(['command']);
    }
  });

  it('refuses stdio env names that change how code is loaded, naming each key', () => {
    expect(
      errorFields(() =>
        normalizeServerInput(
          {
            server_name: 'A',
            transport: 'stdio',
            command: 'node',
            env: { API_TOKEN: 'x', NODE_OPTIONS: '--require /tmp/m.js', ld_preload: '/tmp/m.so' },
          },
          ALLOWLIST,
        ),
      ),
    ).toEqual(['env.NODE_OPTIONS', 'env.ld_preload']);
    // env of a network server is never given to a process.
    const sse = normalizeServerInput(
      { server_name: 'A', url: 'https://x.example.com', env: { NODE_OPTIONS: 'x' } },
      ALLOWLIST,
    );
    expect(sse.env).toEqual({ NODE_OPTIONS: 'x' });
  });

  it('applies defaults and empties', () => {
    const input = normalizeServerInput(
      { server_name: 'A b', url: 'https://x.example.com' },
      ALLOWLIST,
    );
    expect(input).toMatchObject({
      alias: 'A_b',
      transport: 'sse',
      specVersion: '2025-06-18',
      authType: 'none',
      description: null,
      command: null,
      args: [],
      env: {},
      credentials: null,
      accessGroups: [],
      allowedTools: [],
      healthCheckEnabled: true,
      mcpInfo: {
        server_name: null,
        description: null,
        logo_url: null,
        mcp_server_cost_info: { default_cost_per_query: 0, tool_name_to_cost_per_query: {} },
      },
    });
  });

  it('sorts and de-duplicates access groups', () => {
    const input = normalizeServerInput(
      { server_name: 'A', url: 'https://x.example.com', mcp_access_groups: ['b', 'a', 'b'] },
      ALLOWLIST,
    );
    expect(input.accessGroups).toEqual(['a', 'b']);
  });

  it('requires an http(s) url for network transports and ignores it for stdio', () => {
    expect(
      errorFields(() => normalizeServerInput({ server_name: 'A', transport: 'http' }, ALLOWLIST)),
    ).toEqual(['url']);
    expect(
      errorFields(() =>
        normalizeServerInput({ server_name: 'A', url: 'file:///etc/passwd' }, ALLOWLIST),
      ),
    ).toEqual(['url']);
    const stdio = normalizeServerInput(
      { server_name: 'A', transport: 'stdio', command: 'npx', url: 'https://ignored.example.com' },
      ALLOWLIST,
    );
    expect(stdio.url).toBeNull();
  });

  it('requires an allowed command for stdio only', () => {
    expect(
      errorFields(() => normalizeServerInput({ server_name: 'A', transport: 'stdio' }, ALLOWLIST)),
    ).toEqual(['command']);
    expect(
      errorFields(() =>
        normalizeServerInput(
          { server_name: 'A', transport: 'stdio', command: 'npx -y x' },
          ALLOWLIST,
        ),
      ),
    ).toEqual(['command']);
    expect(
      errorFields(() =>
        normalizeServerInput({ server_name: 'A', transport: 'stdio', command: 'npx' }, []),
      ),
    ).toEqual(['command']);
    const sse = normalizeServerInput(
      { server_name: 'A', url: 'https://x.example.com', command: 'anything' },
      ALLOWLIST,
    );
    expect(sse.command).toBe('anything');
  });

  it('reports transport and credential problems together', () => {
    expect(
      errorFields(() =>
        normalizeServerInput(
          {
            server_name: 'A',
            transport: 'sse',
            auth_type: 'bearer_token',
            credentials: { nope: 1 },
          },
          ALLOWLIST,
        ),
      ),
    ).toEqual(['url', 'credentials.nope', 'credentials.token']);
  });
});
