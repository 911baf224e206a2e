import type { McpServerVersionEntity } from '@app/dal';

/** A package entry of the official server.json (`packages[]`), as far as we can tell it. */
export interface OfficialPackage {
  registryType: 'npm' | 'pypi';
  registryBaseUrl: string;
  identifier: string;
  version?: string;
  runtimeHint: string;
  transport: { type: 'stdio' };
  packageArguments?: { type: 'positional'; value: string }[];
  environmentVariables?: { name: string; isRequired: boolean; isSecret: boolean }[];
}

/** An exact SemVer release: the official schema refuses ranges and `latest`. */
const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

const RUNNERS = {
  npx: { registryType: 'npm', registryBaseUrl: 'https://registry.npmjs.org' },
  uvx: { registryType: 'pypi', registryBaseUrl: 'https://pypi.org' },
} as const;

/** `@scope/name@1.2.3` or `name@1.2.3` (npm), `name==1.2.3` or `name@1.2.3` (uvx). */
function splitSpec(runner: keyof typeof RUNNERS, spec: string): [string, string | undefined] {
  const pinned = runner === 'uvx' ? /^([^=@]+)==(.+)$/.exec(spec) : null;
  const at = spec.lastIndexOf('@');
  const [identifier, version] = pinned
    ? [pinned[1], pinned[2]]
    : at > 0
      ? [spec.slice(0, at), spec.slice(at + 1)]
      : [spec, undefined];
  return [identifier, version !== undefined && EXACT_VERSION.test(version) ? version : undefined];
}

/**
 * The package a stdio server runs: `npx <package>` is an npm package, `uvx <package>` a PyPI
 * one (the first argument that is not a flag; its pinned version when exact); the arguments
 * after it are passed to the package, and the env names are what the client must provide. Any
 * other command has no package the official format can describe: none.
 */
export function packagesOf(row: McpServerVersionEntity): OfficialPackage[] | undefined {
  if (row.transport !== 'stdio' || (row.command !== 'npx' && row.command !== 'uvx')) {
    return undefined;
  }
  const runner = row.command;
  const index = row.args.findIndex((arg) => !arg.startsWith('-'));
  if (index < 0) return undefined;
  const [identifier, version] = splitSpec(runner, row.args[index]);
  if (identifier === '') return undefined;
  const rest = row.args.slice(index + 1);
  return [
    {
      ...RUNNERS[runner],
      identifier,
      ...(version ? { version } : {}),
      runtimeHint: runner,
      transport: { type: 'stdio' },
      ...(rest.length > 0
        ? { packageArguments: rest.map((value) => ({ type: 'positional' as const, value })) }
        : {}),
      ...(row.envKeys.length > 0
        ? {
            environmentVariables: row.envKeys.map((name) => ({
              name,
              isRequired: true,
              isSecret: true,
            })),
          }
        : {}),
    },
  ];
}
