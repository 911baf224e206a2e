import type { McpServerVersionEntity } from '@app/dal';
import { packagesOf } from './official-packages';

function row(command: string | null, args: string[], envKeys: string[] = []) {
  return { transport: 'stdio', command, args, envKeys } as unknown as McpServerVersionEntity;
}

describe('packagesOf', () => {
  it('reads npm packages run by npx: scope, exact version, arguments, env names', () => {
    expect(packagesOf(row('npx', ['-y', '@acme/mcp@1.2.3', '--port', '80'], ['TOKEN']))).toEqual([
      {
        registryType: 'npm',
        registryBaseUrl: 'https://registry.npmjs.org',
        identifier: '@acme/mcp',
        version: '1.2.3',
        runtimeHint: 'npx',
        transport: { type: 'stdio' },
        packageArguments: [
          { type: 'positional', value: '--port' },
          { type: 'positional', value: '80' },
        ],
        environmentVariables: [{ name: 'TOKEN', isRequired: true, isSecret: true }],
      },
    ]);
  });

  it('leaves out versions that are not exact (latest, ranges) and reads unscoped names', () => {
    for (const spec of ['mcp-x', 'mcp-x@latest', 'mcp-x@^1.2.0', 'mcp-x@1.x']) {
      const [pkg] = packagesOf(row('npx', [spec]))!;
      expect([spec, pkg.identifier, pkg.version]).toEqual([spec, 'mcp-x', undefined]);
    }
    expect(packagesOf(row('npx', ['@scope/name']))![0].identifier).toBe('@scope/name');
  });

  it('reads PyPI packages run by uvx, pinned with == or @', () => {
    expect(packagesOf(row('uvx', ['mcp-server-fetch==0.6.2']))![0]).toMatchObject({
      registryType: 'pypi',
      identifier: 'mcp-server-fetch',
      version: '0.6.2',
      runtimeHint: 'uvx',
    });
    expect(packagesOf(row('uvx', ['mcp-server-git@1.0.0']))![0]).toMatchObject({
      identifier: 'mcp-server-git',
      version: '1.0.0',
    });
  });

  it('has no package for other commands, flags only, or remote servers', () => {
    expect(packagesOf(row('node', ['server.js']))).toBeUndefined();
    expect(packagesOf(row('python3', ['-m', 'server']))).toBeUndefined();
    expect(packagesOf(row('npx', ['-y']))).toBeUndefined();
    expect(
      packagesOf({
        transport: 'sse',
        command: null,
        args: [],
      } as unknown as McpServerVersionEntity),
    ).toBeUndefined();
  });
});
