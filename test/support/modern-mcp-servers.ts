import { spawn } from 'node:child_process';
import { createServer as createHttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo, connect, createServer as createNetServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { createMcpHandler } from '@modelcontextprotocol/server';
import type { TestTool } from './mcp-servers';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- shared with the stdio script
const { modernServerFactory } = require('./modern-mcp-factory.js') as {
  modernServerFactory: (options: {
    name?: string;
    tools?: TestTool[];
    pageSize?: number;
    toolsTtlMs?: number;
  }) => Parameters<typeof createMcpHandler>[0];
};

// Servers of the current MCP TypeScript SDK (2.x, protocol 2026-07-28) and the third-party
// `@modelcontextprotocol/server-everything` (SDK 1.x) on 127.0.0.1, for the era specs.

export const MODERN_STDIO_SERVER = resolve(__dirname, 'modern-stdio-server.js');
export const EVERYTHING_ENTRY = join(
  dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
  'dist/index.js',
);

export interface ModernMcpServerOptions {
  /** `reject`: modern only; `stateless` (the SDK default): 2025-era requests are served too. */
  legacy?: 'stateless' | 'reject';
  name?: string;
  tools?: TestTool[];
  pageSize?: number;
  /** The tools/list caching hint (`ttlMs`) of modern answers. */
  toolsTtlMs?: number;
  /** Requests without `Authorization: Bearer <this>` get 401. */
  requireBearer?: string;
  /** Serve over HTTPS with this key pair (see `testTls()`). */
  tls?: { key: string; cert: string };
}

export interface RunningModernServer {
  url: string;
  /** JSON-RPC methods received, in order (`server/discover`, `initialize`, `tools/list`, …). */
  readonly methods: string[];
  readonly requests: number;
  close(): Promise<void>;
}

/** A `createMcpHandler` endpoint (the SDK's web-standard handler) behind plain node:http. */
export async function startModernMcpServer(
  options: ModernMcpServerOptions = {},
): Promise<RunningModernServer> {
  const handler = createMcpHandler(
    modernServerFactory({
      name: options.name ?? 'modern-http-server',
      tools: options.tools,
      pageSize: options.pageSize,
      toolsTtlMs: options.toolsTtlMs,
    }),
    { legacy: options.legacy ?? 'stateless' },
  );
  const methods: string[] = [];
  let requests = 0;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    requests++;
    void serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  const server = options.tls
    ? createHttpsServer(options.tls, listener)
    : createHttpServer(listener);

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    methods.push(...methodsOf(body));
    if (options.requireBearer && req.headers.authorization !== `Bearer ${options.requireBearer}`) {
      res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const response = await handler.fetch(
      new Request(`http://127.0.0.1${req.url ?? '/'}`, {
        method: req.method,
        headers,
        body: hasBody ? body : undefined,
      }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) for await (const chunk of response.body) res.write(chunk);
    res.end();
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/mcp`,
    methods,
    get requests() {
      return requests;
    },
    close: async () => {
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function methodsOf(body: Buffer): string[] {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    return messages
      .map((message) => (message as { method?: unknown })?.method)
      .filter((method): method is string => typeof method === 'string');
  } catch {
    return [];
  }
}

export interface RunningEverythingServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `@modelcontextprotocol/server-everything` in its HTTP modes (a child process on a free port):
 * `streamableHttp` serves /mcp, `sse` serves /sse.
 */
export async function startEverythingServer(
  mode: 'streamableHttp' | 'sse',
): Promise<RunningEverythingServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [EVERYTHING_ENTRY, mode], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server-everything (${mode}) did not start`);
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  return {
    url: `http://127.0.0.1:${port}${mode === 'sse' ? '/sse' : '/mcp'}`,
    close: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}
