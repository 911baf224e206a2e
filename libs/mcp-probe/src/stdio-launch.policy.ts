/**
 * What a stdio server may run, checked where it is defined (the registry API) and again right
 * before the child is spawned, so a row stored before a rule existed, or written around the API,
 * still never launches. Pure: no process, no config.
 */

export interface StdioLaunchProblem {
  /** `command` or `env.<NAME>` (the name as stored), the way the API names fields. */
  field: string;
  message: string;
  /** `not_allowed`: the command is simply not in the allowlist (the operator may have shrunk it). */
  kind: 'not_allowed' | 'refused';
}

/** A command the allowlist can name: one path segment, no separator, no `..`, no leading `-`/`.`. */
const BARE_COMMAND = /^[A-Za-z0-9_][A-Za-z0-9._+-]{0,127}$/;

/**
 * Environment names that change how a runtime, shell, loader or package manager finds or
 * preloads code (compared case-insensitively). The child gets PATH and HOME from the service.
 */
const REFUSED_ENV_NAMES = new Set([
  'PATH',
  'HOME',
  'ENV',
  'BASH_ENV',
  'SHELLOPTS',
  'BASHOPTS',
  'PS4',
  'PROMPT_COMMAND',
  'IFS',
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_REPL_EXTERNAL_MODULE',
  'RUBYOPT',
  'RUBYLIB',
  'PERLLIB',
  'JAVA_TOOL_OPTIONS',
  '_JAVA_OPTIONS',
  'JDK_JAVA_OPTIONS',
  'CLASSPATH',
  'GCONV_PATH',
  'XDG_CONFIG_HOME',
]);
const REFUSED_ENV_PREFIXES = [
  'LD_',
  'DYLD_',
  'PYTHON',
  'PERL5',
  // npm/npx, pip and uv read their whole configuration (registries, preloads) from these.
  'NPM_CONFIG_',
  'PIP_',
  'UV_',
];

export const STDIO_REFUSED_ENV_DESCRIPTION =
  'PATH, HOME, ENV, BASH_ENV, SHELLOPTS, BASHOPTS, PS4, PROMPT_COMMAND, IFS, NODE_OPTIONS, ' +
  'NODE_PATH, NODE_REPL_EXTERNAL_MODULE, RUBYOPT, RUBYLIB, PERLLIB, JAVA_TOOL_OPTIONS, ' +
  '_JAVA_OPTIONS, JDK_JAVA_OPTIONS, CLASSPATH, GCONV_PATH, XDG_CONFIG_HOME and every name ' +
  'starting with LD_, DYLD_, PYTHON, PERL5, NPM_CONFIG_, PIP_ or UV_ (any case)';

export function isBareCommandName(command: string): boolean {
  return BARE_COMMAND.test(command) && !command.includes('..');
}

export function isRefusedStdioEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  return (
    REFUSED_ENV_NAMES.has(upper) || REFUSED_ENV_PREFIXES.some((prefix) => upper.startsWith(prefix))
  );
}

export function stdioCommandProblem(
  command: string | null | undefined,
  allowlist: readonly string[],
): StdioLaunchProblem | null {
  if (command === undefined || command === null || command === '') {
    return { field: 'command', message: 'is required for the stdio transport', kind: 'refused' };
  }
  if (!isBareCommandName(command)) {
    return {
      field: 'command',
      message: 'must be a bare command name from STDIO_COMMAND_ALLOWLIST (no path, no "..")',
      kind: 'refused',
    };
  }
  if (!allowlist.includes(command)) {
    return {
      field: 'command',
      message:
        allowlist.length === 0
          ? 'is not allowed: STDIO_COMMAND_ALLOWLIST is empty'
          : `must be one of the allowed commands (${allowlist.join(', ')})`,
      kind: 'not_allowed',
    };
  }
  return null;
}

export function stdioEnvProblems(env: Record<string, unknown>): StdioLaunchProblem[] {
  const problems: StdioLaunchProblem[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (isRefusedStdioEnvName(name)) {
      problems.push({
        field: `env.${name}`,
        message: 'is refused: it changes how the command finds or loads code',
        kind: 'refused',
      });
    } else if (
      name.length === 0 ||
      /[=\0]/.test(name) ||
      typeof value !== 'string' ||
      value.includes('\0')
    ) {
      problems.push({ field: `env.${name}`, message: 'is not a valid variable', kind: 'refused' });
    }
  }
  return problems;
}

/** Every reason `command` with `env` may not be launched; empty when it may. */
export function stdioLaunchProblems(
  command: string | null | undefined,
  env: Record<string, unknown>,
  allowlist: readonly string[],
): StdioLaunchProblem[] {
  const commandProblem = stdioCommandProblem(command, allowlist);
  return [...(commandProblem ? [commandProblem] : []), ...stdioEnvProblems(env)];
}
