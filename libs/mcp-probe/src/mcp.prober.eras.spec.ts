import { resolve } from 'node:path';
import { startMcpServer } from '../../../test/support/mcp-servers';
import {
  EVERYTHING_ENTRY,
  MODERN_STDIO_SERVER,
  startEverythingServer,
  startModernMcpServer,
} from '../../../test/support/modern-mcp-servers';
import { McpProber } from './mcp.prober';
import { ProbeCredentials } from './probe-credentials';
import { ProbePolicy, ProbeResult } from './probe.types';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS test server
const { startHostileServer } = require('../../../test/support/hostile-mcp-server.js') as {
  startHostileServer: () => Promise<{ url: string; close(): Promise<void> }>;
};

const V1_STDIO_SERVER = resolve(__dirname, '../../../test/support/stdio-mcp-server.js');
const MODERN = '2026-07-28';
const LEGACY_LATEST = '2025-11-25';
const policy: ProbePolicy = {
  timeoutMs: 8_000,
  allowLoopback: true,
  denyPrivateNetworks: true,
  stdioEnabled: true,
  // What config's mcp.stdioBaseEnv holds in the app: the host's PATH and HOME.
  stdioBaseEnv: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  stdioAllowlist: ['node'],
};
const prober = new McpProber(policy);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((close) => close()));
});

function track<T extends { close(): Promise<void> }>(server: T): T {
  cleanups.push(() => server.close());
  return server;
}

// Letters, as the stdio server names them (its env values are secrets to the probe).
const tools = Array.from({ length: 7 }, (_, i) => {
  const letter = String.fromCharCode(97 + i);
  return { name: `tool_${letter}`, description: `Tool ${letter}` };
});

function expectEra(result: ProbeResult, era: 'modern' | 'legacy', version: string): void {
  expect(result).toMatchObject({
    ok: true,
    status: 'healthy',
    error: null,
    protocol_era: era,
    protocol_version: version,
    tools_listed: true,
  });
  expect(result.server_info?.protocol_version).toBe(version);
}

describe('McpProber across protocol eras (real SDK 2.x and 1.x servers)', () => {
  it.each(['reject', 'stateless'] as const)(
    'speaks 2026-07-28 to an SDK 2.x streamable HTTP server (legacy: %s), every page listed',
    async (legacy) => {
      const server = track(await startModernMcpServer({ legacy, tools, pageSize: 3 }));
      const result = await prober.probe({ transport: 'streamable_http', url: server.url });
      expectEra(result, 'modern', MODERN);
      expect(result.transport_deprecated).toBe(false);
      expect(result.server_info).toMatchObject({ name: 'modern-http-server', version: '2.4.0' });
      expect(result.tools).toEqual(tools);
      // Modern first, no fallback: no `initialize` ever reached it; three pages of tools/list.
      expect(server.methods).toEqual(['server/discover', 'tools/list', 'tools/list', 'tools/list']);
    },
  );

  it('keeps the modern era when the server declares an older spec_version', async () => {
    const server = track(await startModernMcpServer({ legacy: 'reject' }));
    const result = await prober.probe({
      transport: 'http',
      url: server.url,
      specVersion: '2025-06-18',
    });
    expectEra(result, 'modern', MODERN);
  });

  it('falls back to initialize for an SDK 1.x streamable HTTP server, stateless and stateful', async () => {
    for (const stateful of [false, true]) {
      const server = track(await startMcpServer({ transport: 'streamable_http', stateful }));
      const result = await prober.probe({ transport: 'streamable_http', url: server.url });
      expectEra(result, 'legacy', LEGACY_LATEST);
      expect(result.tools).toHaveLength(3);
      const declared = await prober.probe({
        transport: 'streamable_http',
        url: server.url,
        specVersion: '2025-03-26',
      });
      expectEra(declared, 'legacy', '2025-03-26');
    }
  });

  it('speaks the deprecated HTTP+SSE transport to sse servers, and says so', async () => {
    const server = track(await startMcpServer({ transport: 'sse', pageSize: 2, tools }));
    const result = await prober.probe({ transport: 'sse', url: server.url });
    expectEra(result, 'legacy', LEGACY_LATEST);
    expect(result.transport_deprecated).toBe(true);
    expect(result.tools).toEqual(tools);
  });

  it('marks a failed sse probe as deprecated too', async () => {
    const result = await prober.probe({ transport: 'sse', url: 'http://127.0.0.1:1/sse' });
    expect(result).toMatchObject({ ok: false, transport_deprecated: true, protocol_era: null });
  });

  it.each(['serve', 'reject'] as const)(
    'speaks 2026-07-28 to an SDK 2.x stdio server (legacy: %s), every page listed',
    async (legacy) => {
      const result = await prober.probe({
        transport: 'stdio',
        command: 'node',
        args: [MODERN_STDIO_SERVER],
        env: {
          MODERN_TOOLS: '7',
          MODERN_PAGE_SIZE: '2',
          ...(legacy === 'reject' ? { MODERN_LEGACY: 'reject' } : {}),
        },
      });
      expectEra(result, 'modern', MODERN);
      expect(result.server_info?.name).toBe('modern-stdio-server');
      expect(result.tools).toEqual(tools);
    },
  );

  it('falls back to initialize for an SDK 1.x stdio server', async () => {
    const result = await prober.probe({
      transport: 'stdio',
      command: 'node',
      args: [V1_STDIO_SERVER],
    });
    expectEra(result, 'legacy', LEGACY_LATEST);
    expect(result.tools.map((tool) => tool.name)).toEqual(['echo', 'env_keys']);
  });

  it('restarts a stdio server that exited over the modern probe, then initializes', async () => {
    // A 2025-era server that exits on any request before initialize (some do).
    const script = [
      'const lines = require("readline").createInterface({ input: process.stdin });',
      'let first = true;',
      'lines.on("line", (line) => {',
      '  const msg = JSON.parse(line);',
      '  if (first && msg.method !== "initialize") process.exit(0);',
      '  first = false;',
      '  const reply = (result) => console.log(JSON.stringify({ jsonrpc: "2.0", id: msg.id, result }));',
      '  if (msg.method === "initialize") reply({ protocolVersion: "2025-06-18", capabilities: { tools: {} }, serverInfo: { name: "picky", version: "1" } });',
      '  if (msg.method === "tools/list") reply({ tools: [{ name: "only", inputSchema: { type: "object" } }] });',
      '});',
    ].join('\n');
    const result = await prober.probe({
      transport: 'stdio',
      command: 'node',
      args: ['-e', script],
    });
    expectEra(result, 'legacy', '2025-06-18');
    expect(result.tools).toEqual([{ name: 'only', description: null }]);
  });

  it('sends initialize to a stdio server that ignores the modern probe, after half the timeout', async () => {
    // A 2025-era server that never answers a method it does not know.
    const script = [
      'const lines = require("readline").createInterface({ input: process.stdin });',
      'lines.on("line", (line) => {',
      '  const msg = JSON.parse(line);',
      '  const reply = (result) => console.log(JSON.stringify({ jsonrpc: "2.0", id: msg.id, result }));',
      '  if (msg.method === "initialize") reply({ protocolVersion: "2025-03-26", capabilities: { tools: {} }, serverInfo: { name: "silent", version: "1" } });',
      '  if (msg.method === "tools/list") reply({ tools: [] });',
      '});',
    ].join('\n');
    const timeoutMs = 2_000;
    const result = await new McpProber({ ...policy, timeoutMs }).probe({
      transport: 'stdio',
      command: 'node',
      args: ['-e', script],
    });
    expectEra(result, 'legacy', '2025-03-26');
    expect(result.latency_ms).toBeGreaterThanOrEqual(timeoutMs / 2);
  });

  it('probes @modelcontextprotocol/server-everything over stdio, streamable HTTP and SSE', async () => {
    const stdio = await prober.probe({
      transport: 'stdio',
      command: 'node',
      args: [EVERYTHING_ENTRY, 'stdio'],
    });
    expectEra(stdio, 'legacy', LEGACY_LATEST);
    expect(stdio.tools.length).toBeGreaterThan(5);

    const http = track(await startEverythingServer('streamableHttp'));
    const overHttp = await prober.probe({ transport: 'streamable_http', url: http.url });
    expectEra(overHttp, 'legacy', LEGACY_LATEST);
    expect(overHttp.tools.map((tool) => tool.name)).toEqual(stdio.tools.map((tool) => tool.name));

    const sse = track(await startEverythingServer('sse'));
    const overSse = await prober.probe({ transport: 'sse', url: sse.url });
    expectEra(overSse, 'legacy', LEGACY_LATEST);
    expect(overSse.transport_deprecated).toBe(true);
  }, 30_000);

  it('reports the caching hint of a modern tool list and skips the listing only when asked', async () => {
    const server = track(await startModernMcpServer({ toolsTtlMs: 120_000 }));
    const listed = await prober.probe({ transport: 'streamable_http', url: server.url });
    expect(listed).toMatchObject({ ok: true, tools_ttl_ms: 120_000, tools_listed: true });
    server.methods.length = 0;
    const fresh = await prober.probe({
      transport: 'streamable_http',
      url: server.url,
      toolsStillFresh: true,
    });
    expect(fresh).toMatchObject({
      ok: true,
      tools_listed: false,
      tools: [],
      protocol_era: 'modern',
    });
    expect(server.methods).toEqual(['server/discover']);

    // A legacy server has no hints: it is always listed.
    const legacy = track(await startMcpServer({ transport: 'streamable_http' }));
    const old = await prober.probe({
      transport: 'streamable_http',
      url: legacy.url,
      toolsStillFresh: true,
    });
    expect(old).toMatchObject({ ok: true, tools_listed: true, tools_ttl_ms: null });
    expect(old.tools).toHaveLength(3);
  });

  it('classifies a later-revision server refusing our version, not "no MCP endpoint"', async () => {
    const hostile = track(await startHostileServer());
    const result = await prober.probe({
      transport: 'streamable_http',
      url: `${hostile.url}/future-only`,
    });
    expect(result).toMatchObject({
      ok: false,
      error_kind: 'protocol_error',
      error:
        'the server supports none of the protocol versions the probe speaks; it offers 2099-01-01',
    });
  });

  it('asks its credential source again after a 401 and retries with the fresh headers', async () => {
    const server = track(await startModernMcpServer({ requireBearer: 'fresh-token-2' }));
    const asked: string[] = [];
    const credentials: ProbeCredentials = {
      headers: async () => ({ Authorization: 'Bearer stale-token-1' }),
      refresh: async (rejected) => {
        asked.push(rejected.Authorization);
        return { Authorization: 'Bearer fresh-token-2' };
      },
    };
    const result = await prober.probe({
      transport: 'streamable_http',
      url: server.url,
      credentials,
    });
    expectEra(result, 'modern', MODERN);
    // One refresh for the whole probe, asked with what was refused.
    expect(asked).toEqual(['Bearer stale-token-1']);

    const refused = await prober.probe({
      transport: 'streamable_http',
      url: server.url,
      credentials: { ...credentials, refresh: async () => null },
    });
    expect(refused).toMatchObject({ ok: false, error_kind: 'credentials_rejected' });
  });
});
