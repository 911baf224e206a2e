import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createKey, createOrg } from '../support/factories';
import { startMcpServer, testTls } from '../support/mcp-servers';
import {
  EVERYTHING_ENTRY,
  MODERN_STDIO_SERVER,
  RunningModernServer,
  startEverythingServer,
  startModernMcpServer,
} from '../support/modern-mcp-servers';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(60_000);

const V1_STDIO_SERVER = resolve(__dirname, '../support/stdio-mcp-server.js');
const MODERN = '2026-07-28';
/** What a 2025-era HTTP server agrees to: the registration's spec_version (default 2025-06-18). */
const DECLARED = '2025-06-18';
/** stdio servers are offered the client's latest 2025-era version. */
const LEGACY = '2025-11-25';
const tls = testTls();

function unique(): string {
  return randomBytes(4).toString('hex');
}

interface Kind {
  kind: string;
  transport: 'streamable_http' | 'sse' | 'stdio';
  /** Starts the server and returns the registration fields (url or command) and a stop. */
  start(): Promise<{ fields: Record<string, unknown>; close(): Promise<void> }>;
  era: 'modern' | 'legacy';
  version: string;
  tools: number;
}

const pagedTools = Array.from({ length: 7 }, (_, i) => ({ name: `t_${i}`, description: `T ${i}` }));
const server = (start: () => Promise<{ url: string; close(): Promise<void> }>) => async () => {
  const running = await start();
  return { fields: { url: running.url }, close: () => running.close() };
};
const stdio =
  (args: string[], env: Record<string, string> = {}) =>
  async () => ({
    fields: { command: 'node', args, env },
    close: async () => undefined,
  });

/** The matrix of issue 14: server kind × transport → verdict, protocol version, era. */
const KINDS: Kind[] = [
  {
    kind: 'SDK 2.x, modern only (legacy: reject)',
    transport: 'streamable_http',
    start: server(() => startModernMcpServer({ legacy: 'reject', tools: pagedTools, pageSize: 3 })),
    era: 'modern',
    version: MODERN,
    tools: 7,
  },
  {
    kind: 'SDK 2.x, legacy fallback (default)',
    transport: 'streamable_http',
    start: server(() => startModernMcpServer({ tools: pagedTools, pageSize: 3 })),
    era: 'modern',
    version: MODERN,
    tools: 7,
  },
  {
    kind: 'SDK 2.x serveStdio, modern only',
    transport: 'stdio',
    start: stdio([MODERN_STDIO_SERVER], { MODERN_LEGACY: 'reject', MODERN_TOOLS: '7' }),
    era: 'modern',
    version: MODERN,
    tools: 7,
  },
  {
    kind: 'SDK 2.x serveStdio (default)',
    transport: 'stdio',
    start: stdio([MODERN_STDIO_SERVER], { MODERN_TOOLS: '7', MODERN_PAGE_SIZE: '2' }),
    era: 'modern',
    version: MODERN,
    tools: 7,
  },
  {
    kind: 'SDK 1.x stateless',
    transport: 'streamable_http',
    start: server(() =>
      startMcpServer({ transport: 'streamable_http', tools: pagedTools, pageSize: 3 }),
    ),
    era: 'legacy',
    version: DECLARED,
    tools: 7,
  },
  {
    kind: 'SDK 1.x stateful (sessions)',
    transport: 'streamable_http',
    start: server(() => startMcpServer({ transport: 'streamable_http', stateful: true })),
    era: 'legacy',
    version: DECLARED,
    tools: 3,
  },
  {
    kind: 'SDK 1.x HTTP+SSE',
    transport: 'sse',
    start: server(() => startMcpServer({ transport: 'sse', tools: pagedTools, pageSize: 3 })),
    era: 'legacy',
    version: DECLARED,
    tools: 7,
  },
  {
    kind: 'SDK 1.x stdio',
    transport: 'stdio',
    start: stdio([V1_STDIO_SERVER]),
    era: 'legacy',
    version: LEGACY,
    tools: 2,
  },
  {
    kind: 'server-everything',
    transport: 'stdio',
    start: stdio([EVERYTHING_ENTRY, 'stdio']),
    era: 'legacy',
    version: LEGACY,
    tools: -1,
  },
  {
    kind: 'server-everything',
    transport: 'streamable_http',
    start: server(() => startEverythingServer('streamableHttp')),
    era: 'legacy',
    version: DECLARED,
    tools: -1,
  },
  {
    kind: 'server-everything',
    transport: 'sse',
    start: server(() => startEverythingServer('sse')),
    era: 'legacy',
    version: DECLARED,
    tools: -1,
  },
];

describe('probes across protocol eras (issue 14): every kind of server, its protocol recorded', () => {
  let t: TestApp;
  const measured: Record<string, unknown>[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      HEALTH_CHECK_TIMEOUT_MS: '8000',
      STDIO_ENABLED: 'true',
      STDIO_COMMAND_ALLOWLIST: 'node',
      MCP_CA_FILE: tls.caFile,
    });
  });
  afterAll(async () => {
    await t.close();
    // The measured matrix, for the issue note: PROBE_ERAS_MATRIX=<file> writes it as JSON.
    if (process.env.PROBE_ERAS_MATRIX) {
      writeFileSync(process.env.PROBE_ERAS_MATRIX, JSON.stringify(measured, null, 2));
    }
  });

  async function admin(): Promise<{ organizationId: string; key: string }> {
    const org = await createOrg(t);
    const key = await createKey(t, { organizationId: org.organization_id, role: 'org_admin' });
    return { organizationId: org.organization_id, key: key.key };
  }

  it.each(KINDS.map((kind) => [`${kind.kind} over ${kind.transport}`, kind] as const))(
    '%s: healthy, tools listed, protocol recorded on the probe, the server and the list',
    async (_label, kind) => {
      const { organizationId, key } = await admin();
      const running = await kind.start();
      try {
        const stdioServer = kind.transport === 'stdio';
        const suffix = unique();
        const created = await t.request('POST', '/v1/mcp/server', {
          key: stdioServer ? t.adminKey : key,
          body: {
            server_name: `Era ${suffix}`,
            alias: `era_${suffix}`,
            transport: kind.transport,
            ...(stdioServer ? { organization_id: organizationId } : {}),
            ...running.fields,
          },
        });
        expect(created.status).toBe(201);
        const id = created.body.server_id;
        const started = Date.now();
        const probe = await t.request('POST', `/v1/mcp/server/${id}/health`, { key });
        measured.push({
          kind: kind.kind,
          transport: kind.transport,
          verdict: probe.body.status,
          protocol_version: probe.body.protocol_version,
          protocol_era: probe.body.protocol_era,
          transport_deprecated: probe.body.transport_deprecated,
          tool_count: probe.body.tool_count,
          ms: Date.now() - started,
        });
        expect(probe.status).toBe(200);
        const expected = {
          protocol_version: kind.version,
          protocol_era: kind.era,
          transport_deprecated: kind.transport === 'sse',
        };
        expect(probe.body).toMatchObject({
          status: 'healthy',
          health_check_error: null,
          ...expected,
        });
        expect(probe.body.server_info.protocol_version).toBe(kind.version);
        if (kind.tools > 0) expect(probe.body.tool_count).toBe(kind.tools);
        else expect(probe.body.tool_count).toBeGreaterThan(5);
        expect(probe.body.tools).toHaveLength(probe.body.tool_count);

        const read = await t.request('GET', `/v1/mcp/server/${id}`, { key });
        expect(read.body).toMatchObject({ status: 'healthy', ...expected });
        const list = await t.request('GET', '/v1/mcp/server', { key });
        expect(list.body.find((row: { server_id: string }) => row.server_id === id)).toMatchObject(
          expected,
        );
      } finally {
        await running.close();
      }
    },
  );

  it('tests custom configurations in both eras and says which (POST …/test)', async () => {
    const { organizationId, key } = await admin();
    const modern = await startModernMcpServer({ legacy: 'reject', tls });
    const legacySse = await startMcpServer({ transport: 'sse', tls });
    try {
      for (const [url, transport_type, era, deprecated] of [
        [modern.url, 'streamable_http', 'modern', false],
        [legacySse.url, 'sse', 'legacy', true],
      ] as const) {
        const created = await t.request('POST', '/v1/mcp-configurations', {
          key,
          body: {
            name: `Era config ${unique()}`,
            server_url: url,
            transport_type,
            auth_type: 'none',
            organization_id: organizationId,
          },
        });
        expect(created.status).toBe(201);
        const res = await t.request('POST', `/v1/mcp-configurations/${created.body.id}/test`, {
          key,
        });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          connectionStatus: 'connected',
          protocol_version: era === 'modern' ? MODERN : LEGACY,
          protocol_era: era,
          transport_deprecated: deprecated,
        });
        expect(res.body.tools).toHaveLength(3);
      }
    } finally {
      await modern.close();
      await legacySse.close();
    }
  });

  it('labels the probe metrics with the protocol era', async () => {
    const res = await t.request('GET', '/metrics', { key: t.adminKey });
    expect(res.text).toMatch(
      /mcp_probes_total\{transport="streamable_http",status="healthy",error_kind="none",source="on_demand",protocol_era="modern"\} \d+/,
    );
    expect(res.text).toMatch(/mcp_probes_total\{[^}]*transport="sse"[^}]*protocol_era="legacy"\}/);
    expect(res.text).toMatch(/mcp_probe_duration_seconds_count\{[^}]*protocol_era="modern"\} \d+/);
  });
});

describe("a modern server's tool-list caching hint spares one background round, never a probe-now", () => {
  let t: TestApp;
  let modern: RunningModernServer;

  beforeAll(async () => {
    t = await startTestApp({
      HEALTH_WORKER_ENABLED: 'true',
      HEALTH_CHECK_INTERVAL_S: '1',
      // A round cut short by the deadline would look like a reuse; a loaded machine must not.
      HEALTH_CHECK_TIMEOUT_MS: '8000',
    });
    modern = await startModernMcpServer({ toolsTtlMs: 600_000 });
  });
  afterAll(async () => {
    await t.close();
    await modern.close();
  });

  /** The JSON-RPC methods of each background round since `from`, once `count` have finished. */
  async function rounds(from: number, count: number): Promise<string[][]> {
    const split = (): string[][] => {
      const all: string[][] = [];
      for (const method of modern.methods.slice(from)) {
        if (method === 'server/discover') all.push([]);
        all[all.length - 1]?.push(method);
      }
      return all;
    };
    // A round is over when the next one starts.
    const until = Date.now() + 20_000;
    while (split().length <= count && Date.now() < until) {
      await new Promise((done) => setTimeout(done, 25));
    }
    return split().slice(0, count);
  }

  it('lists, then reuses the fresh list for one round, then lists again; probe-now always lists', async () => {
    const org = await createOrg(t);
    const key = (await createKey(t, { organizationId: org.organization_id, role: 'org_admin' }))
      .key;
    const suffix = unique();
    const from = modern.methods.length;
    const created = await t.request('POST', '/v1/mcp/server', {
      key,
      body: {
        server_name: `Hinted ${suffix}`,
        alias: `hinted_${suffix}`,
        transport: 'streamable_http',
        url: modern.url,
      },
    });
    expect(created.status).toBe(201);
    const [first, second, third] = await rounds(from, 3);
    expect(first).toEqual(['server/discover', 'tools/list']);
    expect(second).toEqual(['server/discover']);
    expect(third).toEqual(['server/discover', 'tools/list']);
    const read = await t.request('GET', `/v1/mcp/server/${created.body.server_id}`, { key });
    expect(read.body).toMatchObject({ status: 'healthy', tool_count: 3, protocol_era: 'modern' });

    const before = modern.methods.length;
    const now = await t.request('POST', `/v1/mcp/server/${created.body.server_id}/health`, { key });
    expect(now.body).toMatchObject({ status: 'healthy', tool_count: 3 });
    expect(modern.methods.slice(before)).toContain('tools/list');
  });
});
