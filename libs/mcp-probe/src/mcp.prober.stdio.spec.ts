import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { McpProber } from './mcp.prober';
import { ProbeObservations } from './probe-observations';
import { ProbePolicy } from './probe.types';
import { StdioProcessTransport } from './stdio-process.transport';
import { waitFor } from '../../../test/support/wait';
import { isAlive } from '../../../test/support/processes';

const SERVER_SCRIPT = resolve(__dirname, '../../../test/support/stdio-mcp-server.js');

const policy: ProbePolicy = {
  timeoutMs: 2_000,
  allowLoopback: true,
  denyPrivateNetworks: true,
  stdioEnabled: true,
  // What config's mcp.stdioBaseEnv holds in the app: the host's PATH and HOME.
  stdioBaseEnv: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  stdioAllowlist: ['node'],
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-probe-stdio-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function readPid(file: string): number {
  const pid = Number(readFileSync(file, 'utf8'));
  expect(pid).toBeGreaterThan(0);
  return pid;
}

/** Alive and not a zombie (an orphan may wait for a non-reaping init in containers). */

describe('McpProber over stdio (real child processes)', () => {
  const prober = new McpProber(policy);

  it('probes a healthy stdio server and stops it afterwards', async () => {
    const pidFile = join(dir, 'server.pid');
    const result = await prober.probe({
      transport: 'stdio',
      command: 'node',
      args: [SERVER_SCRIPT],
      env: { MCP_STDIO_PIDFILE: pidFile },
    });
    expect(result).toMatchObject({ ok: true, status: 'healthy', error: null, error_kind: null });
    expect(result.latency_ms).toBeGreaterThan(0);
    expect(result.server_info).toMatchObject({ name: 'stdio-test-server', version: '2.1.0' });
    expect(result.server_info?.protocol_version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(result.tools.map((tool) => tool.name)).toEqual(['echo', 'env_keys']);
    expect(result.tools[0].description).toBe('Echo the given text back');
    expect(isAlive(readPid(pidFile))).toBe(false);
  });

  it("passes the server's env over a minimal one, never the registry's own", async () => {
    process.env.MCP_PROBE_TEST_PARENT_SECRET = 'do-not-leak';
    try {
      const result = await prober.probe({
        transport: 'stdio',
        command: 'node',
        args: [SERVER_SCRIPT],
        env: { SERVER_API_TOKEN: 'abc' },
      });
      expect(result.ok).toBe(true);
      const described = result.tools.find((tool) => tool.name === 'env_keys')?.description;
      const expected = ['SERVER_API_TOKEN', 'PATH', 'HOME'].filter(
        (key) => key === 'SERVER_API_TOKEN' || process.env[key] !== undefined,
      );
      expect(described).toBe(`env: ${expected.sort().join(',')}`);
    } finally {
      delete process.env.MCP_PROBE_TEST_PARENT_SECRET;
    }
  });

  it('times out on a stdio server that never answers and kills it', async () => {
    const pidFile = join(dir, 'server.pid');
    const timeoutMs = 600;
    const started = Date.now();
    const result = await new McpProber({ ...policy, timeoutMs }).probe({
      transport: 'stdio',
      command: 'node',
      args: [SERVER_SCRIPT],
      env: { MCP_STDIO_HANG: '1', MCP_STDIO_PIDFILE: pidFile },
    });
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({
      ok: false,
      status: 'unhealthy',
      error_kind: 'timeout',
      error: 'timed out after 600 ms',
    });
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 5);
    expect(elapsed).toBeLessThan(timeoutMs + 500);
    expect(isAlive(readPid(pidFile))).toBe(false);
  });

  it('kills the whole process group, escalating to SIGKILL when SIGTERM is ignored', async () => {
    const pidFile = join(dir, 'server.pid');
    const grandchildFile = join(dir, 'grandchild.pid');
    const timeoutMs = 500;
    const started = Date.now();
    const result = await new McpProber({ ...policy, timeoutMs }).probe({
      transport: 'stdio',
      command: 'node',
      args: [SERVER_SCRIPT],
      env: {
        MCP_STDIO_HANG: '1',
        MCP_STDIO_IGNORE_SIGTERM: '1',
        MCP_STDIO_PIDFILE: pidFile,
        MCP_STDIO_GRANDCHILD_PIDFILE: grandchildFile,
      },
    });
    expect(result.error_kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(timeoutMs + 500);
    expect(isAlive(readPid(pidFile))).toBe(false);
    // The orphaned grandchild is reaped by init, which may take a moment after SIGKILL.
    const grandchild = readPid(grandchildFile);
    await waitFor(() => !isAlive(grandchild), 300, { pollMs: 10 });
  });

  it('reports a command that exits at once as unreachable', async () => {
    const result = await prober.probe({
      transport: 'stdio',
      command: 'node',
      args: ['-e', 'process.exit(3)'],
    });
    expect(result).toMatchObject({
      status: 'unhealthy',
      error_kind: 'unreachable',
      error: 'the stdio server exited with code 3 before answering',
    });
  });

  it('reports a command that prints something else as not MCP', async () => {
    const result = await prober.probe({
      transport: 'stdio',
      command: 'node',
      args: ['-e', 'console.log("hello, I am not an MCP server")'],
    });
    expect(result).toMatchObject({ status: 'unhealthy', error_kind: 'not_mcp' });
  });

  it('reports a missing command as unreachable', async () => {
    const result = await new McpProber({
      ...policy,
      stdioAllowlist: ['no-such-command-for-mcp-probe'],
    }).probe({ transport: 'stdio', command: 'no-such-command-for-mcp-probe' });
    expect(result).toMatchObject({
      status: 'unhealthy',
      error_kind: 'unreachable',
      error: 'the stdio command was not found',
    });
  });

  it('does not run a command outside the allowlist', async () => {
    const pidFile = join(dir, 'server.pid');
    const result = await new McpProber({ ...policy, stdioAllowlist: ['python3'] }).probe({
      transport: 'stdio',
      command: 'node',
      args: [SERVER_SCRIPT],
      env: { MCP_STDIO_PIDFILE: pidFile },
    });
    expect(result).toMatchObject({
      ok: false,
      status: 'unknown',
      error_kind: 'stdio_disabled',
      latency_ms: null,
    });
    expect(result.error).toMatch(/"node" is not in the stdio allowlist/);
    expect(existsSync(pidFile)).toBe(false);
  });

  it.each([['/usr/bin/node'], ['/tmp/x/node'], ['../node'], ['node/']])(
    'does not run %s: the command must be a bare allowlisted name',
    async (command) => {
      const pidFile = join(dir, 'server.pid');
      const result = await prober.probe({
        transport: 'stdio',
        command,
        args: [SERVER_SCRIPT],
        env: { MCP_STDIO_PIDFILE: pidFile },
      });
      expect(result).toMatchObject({
        ok: false,
        status: 'unhealthy',
        error_kind: 'target_refused',
      });
      expect(result.error).toMatch(/^stdio command must be a bare command name/);
      expect(existsSync(pidFile)).toBe(false);
    },
  );

  it.each([['NODE_OPTIONS'], ['node_options'], ['LD_PRELOAD'], ['PATH']])(
    'does not run a stored server whose env sets %s',
    async (name) => {
      const marker = join(dir, 'preloaded');
      const preload = join(dir, 'preload.js');
      writeFileSync(preload, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');`);
      const pidFile = join(dir, 'server.pid');
      const result = await prober.probe({
        transport: 'stdio',
        command: 'node',
        args: [SERVER_SCRIPT],
        env: { MCP_STDIO_PIDFILE: pidFile, [name]: `--require ${preload}` },
      });
      expect(result).toMatchObject({
        ok: false,
        status: 'unhealthy',
        error_kind: 'target_refused',
      });
      expect(result.error).toBe(
        `stdio env.${name} is refused: it changes how the command finds or loads code`,
      );
      expect(existsSync(pidFile)).toBe(false);
      expect(existsSync(marker)).toBe(false);
    },
  );

  it('refuses at the transport itself, whoever built the params', async () => {
    const marker = join(dir, 'ran');
    const transport = new StdioProcessTransport(
      {
        command: 'node',
        args: ['-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`],
        env: { NODE_PATH: dir },
        baseEnv: { PATH: process.env.PATH ?? '' },
        allowlist: ['node'],
      },
      new ProbeObservations(),
    );
    await expect(transport.start()).rejects.toMatchObject({ kind: 'target_refused' });
    expect(transport.pid).toBeUndefined();
    await transport.close();
    expect(existsSync(marker)).toBe(false);
  });

  it('does not run anything when stdio probing is disabled', async () => {
    const pidFile = join(dir, 'server.pid');
    const result = await new McpProber({ ...policy, stdioEnabled: false }).probe({
      transport: 'stdio',
      command: 'node',
      args: [SERVER_SCRIPT],
      env: { MCP_STDIO_PIDFILE: pidFile },
    });
    expect(result).toMatchObject({ ok: false, status: 'unknown', error_kind: 'stdio_disabled' });
    expect(result.error).toMatch(/disabled/);
    expect(existsSync(pidFile)).toBe(false);
  });
});
