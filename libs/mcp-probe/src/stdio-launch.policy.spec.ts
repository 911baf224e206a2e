import {
  isBareCommandName,
  isRefusedStdioEnvName,
  stdioCommandProblem,
  stdioLaunchProblems,
} from './stdio-launch.policy';

const ALLOWLIST = ['npx', 'node', 'uvx', 'python3'];

describe('stdio launch policy', () => {
  it.each(['node', 'npx', 'python3', 'uvx', 'my-server_2', 'node.exe'])(
    'takes %s as a bare command name',
    (command) => expect(isBareCommandName(command)).toBe(true),
  );

  it.each([
    '/tmp/x/node',
    './node',
    '../node',
    'bin/node',
    'C:\\node\\node',
    'node\\',
    '..',
    '.',
    'a..b',
    '-node',
    '.node',
    'node ',
    ' node',
    'node;id',
    '',
  ])('refuses %j as a command name', (command) => {
    expect(isBareCommandName(command)).toBe(false);
  });

  it('refuses a path to an allowed basename, naming the command field', () => {
    expect(stdioCommandProblem('/tmp/x/node', ALLOWLIST)).toEqual({
      field: 'command',
      message: expect.stringMatching(/bare command name/),
      kind: 'refused',
    });
    expect(stdioCommandProblem('/usr/bin/node', ['/usr/bin/node'])?.kind).toBe('refused');
  });

  it('tells a command missing from the allowlist apart from a refused one', () => {
    expect(stdioCommandProblem('bash', ALLOWLIST)).toMatchObject({ kind: 'not_allowed' });
    expect(stdioCommandProblem('node', [])).toMatchObject({
      kind: 'not_allowed',
      message: 'is not allowed: STDIO_COMMAND_ALLOWLIST is empty',
    });
    expect(stdioCommandProblem(null, ALLOWLIST)).toMatchObject({ kind: 'refused' });
    expect(stdioCommandProblem('node', ALLOWLIST)).toBeNull();
  });

  it.each([
    'NODE_OPTIONS',
    'node_options',
    'Node_Path',
    'NODE_REPL_EXTERNAL_MODULE',
    'LD_PRELOAD',
    'ld_library_path',
    'DYLD_INSERT_LIBRARIES',
    'PYTHONPATH',
    'PYTHONSTARTUP',
    'pythonhome',
    'PATH',
    'path',
    'HOME',
    'BASH_ENV',
    'ENV',
    'PERL5OPT',
    'PERL5LIB',
    'RUBYOPT',
    'JAVA_TOOL_OPTIONS',
    '_JAVA_OPTIONS',
    'npm_config_node_options',
    'NPM_CONFIG_REGISTRY',
    'UV_INDEX_URL',
    'PIP_INDEX_URL',
    'GCONV_PATH',
  ])('refuses the env name %s', (name) => {
    expect(isRefusedStdioEnvName(name)).toBe(true);
  });

  it.each(['API_TOKEN', 'NODE_ENV', 'DEBUG', 'REGION', 'HOMEPAGE_URL', 'MY_PATH', 'ENVIRONMENT'])(
    'accepts the env name %s',
    (name) => {
      expect(isRefusedStdioEnvName(name)).toBe(false);
    },
  );

  it('names every refused key as env.<name>, as sent, with the command problem first', () => {
    expect(
      stdioLaunchProblems(
        '/tmp/x/node',
        { API_TOKEN: 'x', node_options: '--require /tmp/m.js', LD_PRELOAD: '/tmp/m.so' },
        ALLOWLIST,
      ).map((problem) => problem.field),
    ).toEqual(['command', 'env.node_options', 'env.LD_PRELOAD']);
    expect(
      stdioLaunchProblems('node', { API_TOKEN: 'x', NODE_ENV: 'production' }, ALLOWLIST),
    ).toEqual([]);
  });

  it('refuses names and values a process environment cannot hold', () => {
    expect(
      stdioLaunchProblems('node', { 'A=B': 'x', OK: 'a\0b', NUM: 3 }, ALLOWLIST).map(
        (problem) => problem.field,
      ),
    ).toEqual(['env.A=B', 'env.OK', 'env.NUM']);
  });
});
