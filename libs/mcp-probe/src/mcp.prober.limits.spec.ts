import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { credentialHeaders } from './credential-headers.util';
import { McpProber } from './mcp.prober';
import { ProbePolicy, ProbeResult } from './probe.types';
import { REDACTED } from './secret-redactor';
import { MAX_TOOL_DESCRIPTION_LENGTH, MAX_TOOL_NAME_LENGTH, MAX_TOOLS } from './tool-listing';
import { waitFor } from '../../../test/support/wait';
import { isAlive } from '../../../test/support/processes';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS test server
const { startHostileServer } = require('../../../test/support/hostile-mcp-server.js') as {
  startHostileServer: () => Promise<HostileServer>;
};

interface HostileServer {
  url: string;
  stats(): Record<string, { responses: number; bytes: number; cutShort: number }>;
  close(): Promise<void>;
}

const STDIO_SCRIPT = resolve(__dirname, '../../../test/support/hostile-stdio-server.js');
const MiB = 1024 * 1024;
const policy: ProbePolicy = {
  timeoutMs: 15_000,
  allowLoopback: true,
  denyPrivateNetworks: false,
  stdioEnabled: true,
  // What config's mcp.stdioBaseEnv holds in the app: the host's PATH and HOME.
  stdioBaseEnv: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  stdioAllowlist: ['node'],
};
const prober = new McpProber(policy);

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(async () => {
  await server.close();
});

async function timedProbe(url: string, headers?: Record<string, string>) {
  const started = performance.now();
  const result = await prober.probe({ transport: 'streamable_http', url, headers });
  return { result, ms: performance.now() - started };
}

function expectTooLarge(result: ProbeResult, reason: RegExp): void {
  expect(result).toMatchObject({
    ok: false,
    status: 'unhealthy',
    error_kind: 'response_too_large',
    tools: [],
  });
  expect(result.error).toMatch(/^response too large: /);
  expect(result.error).toMatch(reason);
}

describe('McpProber read limits (a hostile server on loopback)', () => {
  it('stops reading a 300 MB initialize answer past the message limit, long before the deadline', async () => {
    const { result, ms } = await timedProbe(`${server.url}/huge-initialize?mb=300`);
    expectTooLarge(result, /a message was larger than 4194304 bytes/);
    expect(ms).toBeLessThan(5_000);
    const stat = server.stats()['/huge-initialize'];
    // The socket was cut: the server managed to write little more than the limit and its buffers.
    await waitFor(() => stat.cutShort === 1, 1_000, { pollMs: 10 });
    expect(stat.bytes).toBeLessThan(4 * MiB + 8 * MiB);
  });

  it('refuses a declared Content-Length past the limit without reading the body', async () => {
    const { result } = await timedProbe(`${server.url}/huge-initialize-declared?mb=300`);
    expectTooLarge(result, /a message was larger than 4194304 bytes/);
    expect(server.stats()['/huge-initialize-declared'].bytes).toBeLessThan(4 * MiB);
  });

  it('fails an SSE event that never ends', async () => {
    const { result, ms } = await timedProbe(`${server.url}/endless-sse`);
    expectTooLarge(result, /a message was larger than 4194304 bytes/);
    expect(ms).toBeLessThan(5_000);
    await waitFor(() => server.stats()['/endless-sse'].cutShort === 1, 1_000, { pollMs: 10 });
  });

  it('fails an endless stream of small SSE events on the message count', async () => {
    const { result, ms } = await timedProbe(`${server.url}/sse-flood`);
    expectTooLarge(result, /more than 500 messages/);
    expect(ms).toBeLessThan(5_000);
  });

  it('counts every byte of a probe against its total', async () => {
    const small = new McpProber({
      ...policy,
      limits: { maxMessageBytes: 64 * 1024, maxTotalBytes: 96 * 1024, maxMessages: 100_000 },
    });
    const result = await small.probe({
      transport: 'streamable_http',
      url: `${server.url}/sse-flood`,
    });
    expectTooLarge(result, /the server sent more than 98304 bytes/);
  });

  it('fails a 50 MB tools/list and keeps nothing of it', async () => {
    const { result, ms } = await timedProbe(`${server.url}/huge-tools?mb=50`);
    expectTooLarge(result, /a message was larger than 4194304 bytes/);
    expect(ms).toBeLessThan(5_000);
  });

  it('cuts tools to the stored limits: name, description and count', async () => {
    const { result } = await timedProbe(`${server.url}/long-tools`);
    expect(result.ok).toBe(true);
    expect(result.tools).toHaveLength(MAX_TOOLS);
    for (const tool of result.tools) {
      expect(tool.name.length).toBeLessThanOrEqual(MAX_TOOL_NAME_LENGTH);
      expect(tool.description!.length).toBeLessThanOrEqual(MAX_TOOL_DESCRIPTION_LENGTH);
    }
    expect(result.tools[0].name).toBe(`long_0_${'n'.repeat(MAX_TOOL_NAME_LENGTH - 7)}`);
    expect(result.tools[0].description).toHaveLength(MAX_TOOL_DESCRIPTION_LENGTH);
    expect(result.tools[MAX_TOOLS - 1]).toEqual({ name: 't9999', description: 'tool 9999' });
  });

  it('keeps the first 10,000 tools of one page of 100,000', async () => {
    const { result } = await timedProbe(`${server.url}/many-tools`);
    expect(result.ok).toBe(true);
    expect(result.tools).toHaveLength(MAX_TOOLS);
    expect(result.tools[MAX_TOOLS - 1]).toEqual({ name: 't9999', description: null });
  });

  it('fails a listing whose pages together hold more tool JSON than is stored', async () => {
    const { result } = await timedProbe(`${server.url}/paged-big-tools`);
    expectTooLarge(result, /the tools listed are more than 4194304 bytes of JSON/);
    expect(result.tool_definitions).toEqual([]);
  });

  it('fails a tool nested 100,000 levels deep as malformed, without walking it', async () => {
    const { result, ms } = await timedProbe(`${server.url}/deep-tool`);
    expect(result).toMatchObject({
      ok: false,
      error_kind: 'protocol_error',
      error: 'the server sent a tool nested deeper than 64 levels',
    });
    expect(ms).toBeLessThan(5_000);
  });

  it('fails a tools/list whose tools are not tools', async () => {
    const { result } = await timedProbe(`${server.url}/bad-tools`);
    expect(result).toMatchObject({
      error_kind: 'protocol_error',
      error: 'the server sent a malformed MCP message',
    });
  });

  describe('a server that quotes the credentials it received', () => {
    const username = 'registry-robot';
    const password = 'Pa55:w0rd/with+chars?';
    const headers = credentialHeaders('basic', { username, password });
    const forms = [
      headers.Authorization,
      Buffer.from(`${username}:${password}`).toString('base64'),
      `${username}:${password}`,
      username,
      password,
      encodeURIComponent(password),
      Buffer.from(password).toString('base64'),
      Buffer.from(password).toString('hex'),
    ];
    const expectNoSecret = (text: string): void => {
      for (const form of forms) expect(text.toLowerCase()).not.toContain(form.toLowerCase());
    };

    it('keeps them out of the error', async () => {
      const { result } = await timedProbe(`${server.url}/echo-auth-error`, headers);
      expect(result.error_kind).toBe('protocol_error');
      expect(result.error).toContain(REDACTED);
      expectNoSecret(result.error!);
    });

    it('keeps them out of the server info and the tools', async () => {
      const { result } = await timedProbe(`${server.url}/echo-auth`, headers);
      expect(result.ok).toBe(true);
      expect(result.tools.length).toBeGreaterThan(5);
      expectNoSecret(JSON.stringify(result));
      expect(result.tools[0].description).toBe(`you sent ${REDACTED}`);
    });
  });

  describe('over stdio', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'mcp-probe-hostile-'));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it.each([
      ['an endless line', 'endless-line', /a message was larger than 4194304 bytes/],
      ['a flood of notifications', 'flood', /more than 500 messages/],
    ])('kills a child that prints %s', async (_what, mode, reason) => {
      const pidFile = join(dir, 'pid');
      const started = performance.now();
      const result = await prober.probe({
        transport: 'stdio',
        command: 'node',
        args: [STDIO_SCRIPT],
        env: { HOSTILE_STDIO_MODE: mode, HOSTILE_STDIO_PIDFILE: pidFile },
      });
      expectTooLarge(result, reason);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(existsSync(pidFile)).toBe(true);
      expect(isAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
    });
  });
});
