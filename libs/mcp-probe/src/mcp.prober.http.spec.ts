import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import {
  DEFAULT_TEST_TOOLS,
  startHangingServer,
  startMcpServer,
  startMultiPathMcpServer,
  startPlainHttpServer,
  testTls,
} from '../../../test/support/mcp-servers';
import { credentialHeaders } from './credential-headers.util';
import { McpProber } from './mcp.prober';
import { ProbePolicy, ProbeResult } from './probe.types';
import { waitFor } from '../../../test/support/wait';

const policy: ProbePolicy = {
  timeoutMs: 5_000, // healthy probes finish in milliseconds; the margin is for a loaded CI machine
  allowLoopback: true,
  denyPrivateNetworks: true,
  stdioEnabled: false,
  stdioAllowlist: [],
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((close) => close()));
});

async function mcpServer(options: Parameters<typeof startMcpServer>[0]) {
  const server = await startMcpServer(options);
  cleanups.push(() => server.close());
  return server;
}

function expectHealthy(result: ProbeResult): void {
  expect(result).toMatchObject({ ok: true, status: 'healthy', error: null, error_kind: null });
  expect(result.latency_ms).toBeGreaterThan(0);
  expect(result.latency_ms).toBeLessThan(policy.timeoutMs);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('McpProber over HTTP (real servers on loopback)', () => {
  const prober = new McpProber(policy);

  it('probes a healthy streamable HTTP server', async () => {
    const server = await mcpServer({ transport: 'streamable_http', name: 'alpha' });
    const result = await prober.probe({ transport: 'streamable_http', url: server.url });
    expectHealthy(result);
    expect(result.server_info).toEqual({
      name: 'alpha',
      version: '1.0.0',
      protocol_version: LATEST_PROTOCOL_VERSION,
    });
    expect(result.tools).toEqual(
      DEFAULT_TEST_TOOLS.map((tool) => ({ name: tool.name, description: tool.description })),
    );
    expect(server.requests).toBeGreaterThanOrEqual(3);
  });

  it('treats "http" as streamable HTTP and asks for the declared spec version', async () => {
    const server = await mcpServer({ transport: 'streamable_http', tools: [{ name: 'solo' }] });
    const result = await prober.probe({
      transport: 'http',
      url: server.url,
      specVersion: '2025-03-26',
    });
    expectHealthy(result);
    expect(result.server_info?.protocol_version).toBe('2025-03-26');
    expect(result.tools).toEqual([{ name: 'solo', description: null }]);
  });

  it('probes a healthy SSE server', async () => {
    const tools = [
      { name: 'search', description: 'Search things' },
      { name: 'fetch', description: 'Fetch a thing' },
    ];
    const server = await mcpServer({ transport: 'sse', name: 'legacy-sse', tools });
    const result = await prober.probe({ transport: 'sse', url: server.url });
    expectHealthy(result);
    expect(result.server_info).toMatchObject({ name: 'legacy-sse', version: '1.0.0' });
    expect(result.server_info?.protocol_version).toBe(LATEST_PROTOCOL_VERSION);
    expect(result.tools).toEqual(tools);
  });

  it('ends the session of a stateful streamable HTTP server', async () => {
    const server = await mcpServer({ transport: 'streamable_http', stateful: true });
    const result = await prober.probe({ transport: 'streamable_http', url: server.url });
    expectHealthy(result);
    expect(result.tools).toHaveLength(3);
    // The probe said goodbye with DELETE, so the server holds no session for it.
    await waitFor(() => server.openSessions === 0, 200, { pollMs: 10 });
  });

  it('probes every endpoint of the multi-path benchmark server', async () => {
    const multi = await startMultiPathMcpServer(3);
    cleanups.push(() => multi.close());
    expect(multi.urls).toEqual([0, 1, 2].map((i) => `${multi.baseUrl}/mcp/${i}`));
    const results = await Promise.all(
      multi.urls.map((url) => prober.probe({ transport: 'streamable_http', url })),
    );
    results.forEach((result, i) => {
      expectHealthy(result);
      expect(result.server_info?.name).toBe(`bench-${i}`);
      expect(result.tools.map((tool) => tool.name)).toEqual([`tool_${i}_a`, `tool_${i}_b`]);
    });
    const missing = await prober.probe({
      transport: 'streamable_http',
      url: `${multi.baseUrl}/mcp/3`,
    });
    expect(missing.error_kind).toBe('not_mcp');
  });

  it('does not follow a redirect to another origin', async () => {
    const target = await mcpServer({ transport: 'streamable_http' });
    const elsewhere = target.url.replace('127.0.0.1', 'localhost');
    const redirector = createHttpServer((req, res) => {
      req.resume();
      res.writeHead(307, { location: elsewhere }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => redirector.close(() => resolve())));
    const { port } = redirector.address() as { port: number };
    const result = await prober.probe({
      transport: 'streamable_http',
      url: `http://127.0.0.1:${port}/mcp`,
    });
    expect(result.ok).toBe(false);
    expect(target.connections).toBe(0);
  });

  it('follows tools/list pagination', async () => {
    const tools = Array.from({ length: 23 }, (_, i) => ({ name: `t${i}`, description: `d${i}` }));
    const server = await mcpServer({ transport: 'streamable_http', tools, pageSize: 5 });
    const result = await prober.probe({ transport: 'streamable_http', url: server.url });
    expectHealthy(result);
    expect(result.tools).toEqual(tools);
    // initialize + initialized + 5 pages (+ the optional GET stream, answered 405).
    expect(server.requests).toBeGreaterThanOrEqual(7);
  });

  it('reports a port with nothing listening as unreachable', async () => {
    const port = await freePort();
    for (const transport of ['streamable_http', 'sse'] as const) {
      const result = await prober.probe({ transport, url: `http://127.0.0.1:${port}/mcp` });
      expect(result).toMatchObject({
        ok: false,
        status: 'unhealthy',
        error_kind: 'unreachable',
        error: 'connection refused',
        latency_ms: null,
      });
    }
  });

  it.each(['streamable_http', 'sse'] as const)(
    'times out on a server that never answers (%s) and closes its sockets',
    async (transport) => {
      const hanging = await startHangingServer();
      cleanups.push(() => hanging.close());
      const timeoutMs = 600;
      const started = Date.now();
      const result = await new McpProber({ ...policy, timeoutMs }).probe({
        transport,
        url: hanging.url,
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
      expect(hanging.connections).toBeGreaterThanOrEqual(1);
      // The server notices the client's close a moment after the probe returns.
      await waitFor(() => hanging.openSockets() === 0, 300, { pollMs: 10 });
    },
  );

  it('reports a plain web server as not MCP', async () => {
    const plain = await startPlainHttpServer();
    cleanups.push(() => plain.close());
    for (const transport of ['streamable_http', 'sse'] as const) {
      const result = await prober.probe({ transport, url: plain.url });
      expect(result).toMatchObject({ ok: false, status: 'unhealthy', error_kind: 'not_mcp' });
      expect(result.error).toMatch(/text\/html/);
    }
    expect(plain.requests).toBeGreaterThanOrEqual(2);
  });

  it('reports a 404 path on a real MCP server as not MCP', async () => {
    const server = await mcpServer({ transport: 'streamable_http' });
    const result = await prober.probe({
      transport: 'streamable_http',
      url: server.url.replace('/mcp', '/nope'),
    });
    expect(result).toMatchObject({
      error_kind: 'not_mcp',
      error: 'server answered HTTP 404; no MCP endpoint at this URL',
    });
  });

  describe('credentials', () => {
    it.each(['streamable_http', 'sse'] as const)(
      'rejects a wrong bearer token and accepts the right one (%s)',
      async (transport) => {
        const server = await mcpServer({ transport, requireBearer: 'right-token-123' });
        const wrong = await prober.probe({
          transport,
          url: server.url,
          headers: credentialHeaders('bearer_token', { token: 'wrong-token-456' }),
        });
        expect(wrong).toMatchObject({
          ok: false,
          status: 'unhealthy',
          error_kind: 'credentials_rejected',
          error: 'credentials were rejected by the server (HTTP 401)',
        });
        const none = await prober.probe({ transport, url: server.url });
        expect(none.error_kind).toBe('credentials_rejected');

        const right = await prober.probe({
          transport,
          url: server.url,
          headers: credentialHeaders('bearer_token', { token: 'right-token-123' }),
        });
        expectHealthy(right);
        expect(right.tools).toHaveLength(3);
      },
    );

    it('sends an API key in its header', async () => {
      const server = await mcpServer({
        transport: 'streamable_http',
        requireHeader: { name: 'X-Tenant-Key', value: 'key-abc-987' },
      });
      const wrongHeader = await prober.probe({
        transport: 'streamable_http',
        url: server.url,
        headers: credentialHeaders('api_key', { api_key: 'key-abc-987' }),
      });
      expect(wrongHeader.error_kind).toBe('credentials_rejected');
      const result = await prober.probe({
        transport: 'streamable_http',
        url: server.url,
        headers: credentialHeaders('api_key', {
          api_key: 'key-abc-987',
          header_name: 'X-Tenant-Key',
        }),
      });
      expectHealthy(result);
      expect(server.lastHeaders?.['x-tenant-key']).toBe('key-abc-987');
    });

    it('refuses headers the transport must own, without sending anything', async () => {
      const server = await mcpServer({ transport: 'streamable_http' });
      const result = await prober.probe({
        transport: 'streamable_http',
        url: server.url,
        headers: { Host: 'evil.example' },
      });
      expect(result).toMatchObject({ error_kind: 'target_refused' });
      expect(server.requests).toBe(0);
    });
  });

  describe('https', () => {
    const tls = testTls();

    it('trusts the extra CA file on top of the default roots', async () => {
      const server = await mcpServer({ transport: 'streamable_http', tls });
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:/);
      const untrusted = await prober.probe({ transport: 'streamable_http', url: server.url });
      expect(untrusted.error_kind).toBe('unreachable');
      expect(untrusted.error).toMatch(/^TLS connection failed \(/);
      expect(server.requests).toBe(0);

      const trusting = new McpProber({ ...policy, caFile: tls.caFile });
      expectHealthy(await trusting.probe({ transport: 'streamable_http', url: server.url }));
      const sse = await mcpServer({ transport: 'sse', tls });
      expectHealthy(await trusting.probe({ transport: 'sse', url: sse.url }));
    });

    it('checks the certificate against the host name while dialling the pinned address', async () => {
      const server = await mcpServer({ transport: 'streamable_http', tls });
      const port = new URL(server.url).port;
      const lookup = jest.fn(async () => [{ address: '127.0.0.1', family: 4 }]);
      const trusting = new McpProber({ ...policy, caFile: tls.caFile }, { lookup });
      const named = await trusting.probe({
        transport: 'streamable_http',
        url: `https://mcp.example.test:${port}/mcp`,
      });
      expectHealthy(named);
      expect(server.lastHeaders?.host).toBe(`mcp.example.test:${port}`);

      // Same address, but the certificate does not name this host: TLS must fail.
      const other = await trusting.probe({
        transport: 'streamable_http',
        url: `https://other.example.test:${port}/mcp`,
      });
      expect(other).toMatchObject({
        error_kind: 'unreachable',
        error: 'TLS connection failed (ERR_TLS_CERT_ALTNAME_INVALID)',
      });
    });
  });

  describe('target policy', () => {
    it('refuses cloud metadata addresses without connecting', async () => {
      const started = Date.now();
      for (const url of [
        'http://169.254.169.254/latest/meta-data/',
        'http://[::ffff:169.254.169.254]/',
        'http://[fd00:ec2::254]/',
        'http://100.100.100.200/',
        'http://0.0.0.0:80/',
      ]) {
        const result = await prober.probe({ transport: 'streamable_http', url });
        expect(result).toMatchObject({
          ok: false,
          status: 'unhealthy',
          error_kind: 'target_refused',
        });
      }
      expect(Date.now() - started).toBeLessThan(500);
    });

    it('refuses loopback when not allowed, with no connection attempt', async () => {
      const server = await mcpServer({ transport: 'streamable_http' });
      const strict = new McpProber({ ...policy, allowLoopback: false });
      const port = new URL(server.url).port;
      for (const url of [
        server.url,
        `http://localhost:${port}/mcp`,
        `http://[::ffff:127.0.0.1]:${port}/mcp`,
        `http://127.1.2.3:${port}/mcp`,
      ]) {
        for (const transport of ['streamable_http', 'sse'] as const) {
          const result = await strict.probe({ transport, url });
          expect(result.error_kind).toBe('target_refused');
          expect(result.error).toMatch(/loopback/);
        }
      }
      expect(server.requests).toBe(0);
      expect(server.connections).toBe(0);
      // The same server is reachable when loopback is allowed, so the refusal was the policy.
      expectHealthy(await prober.probe({ transport: 'streamable_http', url: server.url }));
    });

    it('refuses a name whose DNS answers include a refused address', async () => {
      const server = await mcpServer({ transport: 'streamable_http' });
      const port = new URL(server.url).port;
      const lookup = jest.fn(async () => [
        { address: '127.0.0.1', family: 4 },
        { address: '10.0.0.7', family: 4 },
      ]);
      const result = await new McpProber(policy, { lookup }).probe({
        transport: 'streamable_http',
        url: `http://mixed.example.test:${port}/mcp`,
      });
      expect(result.error_kind).toBe('target_refused');
      expect(result.error).toMatch(/10\.0\.0\.7 is a private network address/);
      expect(server.connections).toBe(0);
    });

    it('refuses a name resolving to an IPv6 form that embeds a refused IPv4, before dialing', async () => {
      const server = await mcpServer({ transport: 'streamable_http' });
      const port = new URL(server.url).port;
      const strict = { ...policy, allowLoopback: false };
      for (const address of [
        '2002:7f00:1::1',
        '64:ff9b::7f00:1',
        '64:ff9b:1::7f00:1',
        '::ffff:0:7f00:1',
        '::7f00:1',
        '2001:0:4136:e378:8000:63bf:80ff:fffe',
      ]) {
        const lookup = jest.fn(async () => [{ address, family: 6 }]);
        const result = await new McpProber(strict, { lookup }).probe({
          transport: 'streamable_http',
          url: `http://embedded.example.test:${port}/mcp`,
        });
        expect(result.error_kind).toBe('target_refused');
        expect(result.error).toContain(`${address} embeds an IPv4 address: 127.0.0.1`);
      }
      expect(server.connections).toBe(0);
    });

    it('dials the vetted address once resolved, keeping the host name in the Host header', async () => {
      const server = await mcpServer({ transport: 'streamable_http' });
      const port = new URL(server.url).port;
      const lookup = jest.fn(async () => [{ address: '127.0.0.1', family: 4 }]);
      const result = await new McpProber(policy, { lookup }).probe({
        transport: 'streamable_http',
        url: `http://pinned.example.test:${port}/mcp`,
      });
      expectHealthy(result);
      // One resolution for the whole probe: later connections cannot be re-pointed by DNS.
      expect(lookup).toHaveBeenCalledTimes(1);
      expect(server.lastHeaders?.host).toBe(`pinned.example.test:${port}`);
    });

    it('refuses schemes other than http and https, and URLs with credentials', async () => {
      for (const url of ['ftp://127.0.0.1/', 'file:///etc/passwd', 'not a url', '']) {
        const result = await prober.probe({ transport: 'streamable_http', url });
        expect(result.error_kind).toBe('target_refused');
      }
      const server = await mcpServer({ transport: 'streamable_http' });
      const withUser = server.url.replace('http://', 'http://user:pa55word@');
      const result = await prober.probe({ transport: 'streamable_http', url: withUser });
      expect(result.error_kind).toBe('target_refused');
      expect(result.error).not.toContain('pa55word');
      expect(server.requests).toBe(0);
    });

    it('refuses an unknown transport', async () => {
      const result = await prober.probe({
        transport: 'websocket' as never,
        url: 'http://127.0.0.1:1/',
      });
      expect(result).toMatchObject({ status: 'unhealthy', error_kind: 'target_refused' });
    });
  });
});
