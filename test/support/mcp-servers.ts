import {
  createServer as createHttpServer,
  IncomingHttpHeaders,
  IncomingMessage,
  Server as HttpServer,
  ServerResponse,
} from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import { AddressInfo, createServer as createNetServer, Socket } from 'node:net';
import { join } from 'node:path';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  JSONRPCMessageSchema,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { McpBridgeTransport } from './mcp-bridge-transport';

// Real MCP servers (the SDK's own server classes over plain node:http) on 127.0.0.1, port 0.
// Used by the probe specs, the app's e2e suites and the benchmark.

export interface TestTool {
  name: string;
  description?: string;
}

export interface McpServerOptions {
  transport: 'streamable_http' | 'sse';
  /** Defaults to three tools: echo, add, now. */
  tools?: TestTool[];
  /** Requests without `Authorization: Bearer <this>` get 401. */
  requireBearer?: string;
  /** Requests without this exact header value get 401 (e.g. an API key header). */
  requireHeader?: { name: string; value: string };
  /**
   * Requests whose `Authorization: Bearer <token>` this refuses get 401 with an RFC 6750
   * `invalid_token` challenge (e.g. an OAuth server's `isValid`).
   */
  acceptBearer?: (token: string) => boolean;
  name?: string;
  /** Streamable HTTP with sessions (Mcp-Session-Id) instead of the stateless default. */
  stateful?: boolean;
  /** Serve over HTTPS with this key pair (see `testTls()`). */
  tls?: { key: string; cert: string };
  /** Serve tools/list in pages of this size with `nextCursor` (the SDK never paginates itself). */
  pageSize?: number;
}

export interface RunningMcpServer {
  /** What a client connects to: `/mcp` for streamable HTTP, `/sse` for SSE. */
  url: string;
  /** HTTP requests received so far, refused ones included. */
  readonly requests: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Headers of the most recent request. */
  readonly lastHeaders: IncomingHttpHeaders | null;
  /** Open MCP sessions (stateful streamable HTTP and SSE). */
  readonly openSessions: number;
  close(): Promise<void>;
}

export interface HangingServer {
  url: string;
  readonly connections: number;
  openSockets(): number;
  close(): Promise<void>;
}

export interface PlainHttpServer {
  url: string;
  readonly requests: number;
  close(): Promise<void>;
}

export interface MultiPathMcpServer {
  baseUrl: string;
  urls: string[];
  readonly requests: number;
  close(): Promise<void>;
}

/**
 * A fixed test PKI (valid until 2126; the CA key was discarded): `caFile` is the CA to trust,
 * `key`/`cert` the server pair for DNS `mcp.example.test` and IP 127.0.0.1. Test use only.
 */
export function testTls(): { caFile: string; key: string; cert: string } {
  const dir = join(__dirname, 'mcp-tls');
  return {
    caFile: join(dir, 'ca.pem'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
    cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
  };
}

export const DEFAULT_TEST_TOOLS: TestTool[] = [
  { name: 'echo', description: 'Echo the given text back' },
  { name: 'add', description: 'Add two numbers' },
  { name: 'now', description: 'Tell the current time' },
];

type McpHandler = Server | McpServer;
type AnyHttpServer = HttpServer | HttpsServer;

export async function startMcpServer(options: McpServerOptions): Promise<RunningMcpServer> {
  const tools = options.tools ?? DEFAULT_TEST_TOOLS;
  const name = options.name ?? `test-${options.transport}-server`;
  const build = (): McpHandler =>
    options.pageSize ? pagedServer(name, tools, options.pageSize) : toolServer(name, tools);
  const required: { name: string; value: string } | null = options.requireBearer
    ? { name: 'authorization', value: `Bearer ${options.requireBearer}` }
    : (options.requireHeader ?? null);

  let requests = 0;
  let lastHeaders: IncomingHttpHeaders | null = null;
  const sseSessions = new Map<string, SSEServerTransport>();
  const httpSessions = new Map<string, StreamableHTTPServerTransport>();

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    requests++;
    lastHeaders = req.headers;
    if (required && req.headers[required.name.toLowerCase()] !== required.value) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
      res.end(JSON.stringify({ error: 'unauthorized' }));
      return;
    }
    if (options.acceptBearer) {
      const [scheme, token] = (req.headers.authorization ?? '').split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !token || !options.acceptBearer(token)) {
        res.writeHead(401, {
          'content-type': 'application/json',
          'www-authenticate': 'Bearer error="invalid_token"',
        });
        res.end(JSON.stringify({ error: 'invalid_token' }));
        return;
      }
    }
    const path = (req.url ?? '/').split('?')[0];
    const handled =
      options.transport === 'streamable_http'
        ? path === '/mcp' &&
          (options.stateful
            ? serveStatefulStreamable(req, res, build, httpSessions)
            : serveStreamable(req, res, build))
        : serveSse(req, res, path, build, sseSessions);
    if (!handled) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  };
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : createHttpServer(handler);
  const base = await listen(server);
  const tracker = trackConnections(server);
  return {
    url: `${base}${options.transport === 'streamable_http' ? '/mcp' : '/sse'}`,
    get requests() {
      return requests;
    },
    get connections() {
      return tracker.total;
    },
    get lastHeaders() {
      return lastHeaders;
    },
    get openSessions() {
      return sseSessions.size + httpSessions.size;
    },
    close: async () => {
      const transports = [...sseSessions.values(), ...httpSessions.values()];
      await Promise.all(transports.map((t) => t.close().catch(() => undefined)));
      await closeHttp(server);
    },
  };
}

/** Accepts TCP connections and never answers a byte. */
export async function startHangingServer(): Promise<HangingServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    // Reads (and drops) the request so the client never sees back-pressure, only silence.
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    get connections() {
      return connections;
    },
    openSockets: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A normal web server: 200 text/html to every request. */
export async function startPlainHttpServer(): Promise<PlainHttpServer> {
  let requests = 0;
  const server = createHttpServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><body><h1>Just a web page</h1></body></html>');
  });
  const base = await listen(server);
  trackConnections(server);
  return {
    url: `${base}/`,
    get requests() {
      return requests;
    },
    close: () => closeHttp(server),
  };
}

/**
 * One server exposing `paths` independent streamable-HTTP MCP endpoints at /mcp/0 … /mcp/{n-1}
 * (server name `bench-<i>`, tools `tool_<i>_a`, `tool_<i>_b`), so a benchmark can register many
 * servers without many processes. Each path is one long-lived SDK `Server` behind a bridge
 * transport (JSON responses, no sessions), which keeps a request well under a millisecond.
 */
export async function startMultiPathMcpServer(paths: number): Promise<MultiPathMcpServer> {
  const bridges = new Map<number, Promise<McpBridgeTransport>>();
  const bridgeFor = (index: number): Promise<McpBridgeTransport> => {
    let bridge = bridges.get(index);
    if (!bridge) {
      const transport = new McpBridgeTransport();
      const tools = [
        { name: `tool_${index}_a`, description: `First tool of server ${index}` },
        { name: `tool_${index}_b`, description: `Second tool of server ${index}` },
      ];
      bridge = pagedServer(`bench-${index}`, tools)
        .connect(transport)
        .then(() => transport);
      bridges.set(index, bridge);
    }
    return bridge;
  };

  let requests = 0;
  const server = createHttpServer((req, res) => {
    requests++;
    const match = /^\/mcp\/(\d+)$/.exec((req.url ?? '/').split('?')[0]);
    const index = match ? Number(match[1]) : -1;
    if (index < 0 || index >= paths) {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    void bridgeExchange(req, res, () => bridgeFor(index));
  });
  server.keepAliveTimeout = 5_000;
  const base = await listen(server);
  return {
    baseUrl: base,
    urls: Array.from({ length: paths }, (_, i) => `${base}/mcp/${i}`),
    get requests() {
      return requests;
    },
    close: async () => {
      await closeHttp(server);
      await Promise.all([...bridges.values()].map(async (bridge) => (await bridge).close()));
    },
  };
}

async function bridgeExchange(
  req: IncomingMessage,
  res: ServerResponse,
  bridge: () => Promise<McpBridgeTransport>,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const parsed = JSONRPCMessageSchema.safeParse(safeJson(Buffer.concat(chunks).toString('utf8')));
  if (!parsed.success) {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null }),
    );
    return;
  }
  const answer = await (await bridge()).exchange(parsed.data);
  if (answer === null) {
    res.writeHead(202).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(answer));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toolServer(name: string, tools: TestTool[]): McpServer {
  const server = new McpServer({ name, version: '1.0.0' });
  for (const tool of tools) {
    server.registerTool(tool.name, { description: tool.description }, async () => ({
      content: [{ type: 'text', text: tool.name }],
    }));
  }
  return server;
}

/** The low-level SDK server, for paging tools/list, which McpServer does not do. */
function pagedServer(name: string, tools: TestTool[], pageSize = Infinity): Server {
  const server = new Server({ name, version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async (request) => {
    const start = Number(request.params?.cursor ?? 0) || 0;
    const end = Math.min(start + pageSize, tools.length);
    return {
      tools: tools.slice(start, end).map((tool) => ({
        name: tool.name,
        description: tool.description,
        inputSchema: { type: 'object' as const, properties: {} },
      })),
      ...(end < tools.length ? { nextCursor: String(end) } : {}),
    };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request) => ({
    content: [{ type: 'text' as const, text: request.params.name }],
  }));
  return server;
}

function serveStreamable(
  req: IncomingMessage,
  res: ServerResponse,
  build: () => McpHandler,
): boolean {
  // Stateless: there is no session to stream to or delete, as the SDK's stateless example does.
  if (req.method !== 'POST') {
    req.resume();
    res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Method not allowed' },
        id: null,
      }),
    );
    return true;
  }
  const mcp = build();
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  res.on('close', () => {
    void transport.close().catch(() => undefined);
    void mcp.close().catch(() => undefined);
  });
  void (async () => {
    try {
      await mcp.connect(transport);
      await transport.handleRequest(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(500).end();
    }
  })();
  return true;
}

function serveStatefulStreamable(
  req: IncomingMessage,
  res: ServerResponse,
  build: () => McpHandler,
  sessions: Map<string, StreamableHTTPServerTransport>,
): boolean {
  const sessionId = req.headers['mcp-session-id'];
  const transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
  if (!transport && sessionId === undefined && req.method === 'POST') {
    // No session yet: this must be an initialize request, which the transport itself verifies.
    const created = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (id) => {
        sessions.set(id, created);
      },
    });
    created.onclose = () => {
      if (created.sessionId) sessions.delete(created.sessionId);
    };
    const mcp = build();
    void mcp.connect(created).then(() => created.handleRequest(req, res));
    return true;
  }
  if (!transport) {
    req.resume();
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        jsonrpc: '2.0',
        error: { code: -32001, message: 'Session not found' },
        id: null,
      }),
    );
    return true;
  }
  void transport.handleRequest(req, res).catch(() => undefined);
  return true;
}

function serveSse(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  build: () => McpHandler,
  sessions: Map<string, SSEServerTransport>,
): boolean {
  if (req.method === 'GET' && path === '/sse') {
    const transport = new SSEServerTransport('/messages', res);
    const mcp = build();
    sessions.set(transport.sessionId, transport);
    res.on('close', () => {
      sessions.delete(transport.sessionId);
      void mcp.close().catch(() => undefined);
    });
    void mcp.connect(transport).catch(() => res.destroy());
    return true;
  }
  if (req.method === 'POST' && path === '/messages') {
    const sessionId = new URL(req.url ?? '/', 'http://localhost').searchParams.get('sessionId');
    const transport = sessionId ? sessions.get(sessionId) : undefined;
    if (!transport) {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/plain' }).end('unknown session');
      return true;
    }
    void transport.handlePostMessage(req, res).catch(() => undefined);
    return true;
  }
  return false;
}

async function listen(server: AnyHttpServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return `${server instanceof HttpsServer ? 'https' : 'http'}://127.0.0.1:${port}`;
}

function trackConnections(server: AnyHttpServer): { readonly total: number } {
  const state = { total: 0 };
  server.on('connection', () => state.total++);
  return state;
}

async function closeHttp(server: AnyHttpServer): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
