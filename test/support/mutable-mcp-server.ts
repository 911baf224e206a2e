import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createMcpHandler, Server } from '@modelcontextprotocol/server';

/** A tool exactly as `tools/list` sends it: every field, in the order given. */
export type WireTool = Record<string, unknown> & { name: string };

export interface MutableMcpServer {
  url: string;
  /** What the next `tools/list` answers (a copy is taken). */
  setTools(tools: WireTool[]): void;
  /** `tools/list` requests answered so far. */
  readonly listings: number;
  close(): Promise<void>;
}

/**
 * A real MCP server (the TypeScript SDK 2.x `Server` behind its web-standard handler, serving
 * both protocol eras over streamable HTTP) whose tool list a test replaces between probes: the
 * wire objects are sent as given (title, annotations, schemas, key order), so a test can edit a
 * description, add a schema property, shuffle the list or its keys and see what the registry makes
 * of it.
 */
export async function startMutableMcpServer(
  initial: WireTool[],
  options: { tls?: { key: string; cert: string } } = {},
): Promise<MutableMcpServer> {
  let tools = structuredClone(initial);
  let listings = 0;
  const handler = createMcpHandler(
    () => {
      const server = new Server(
        { name: 'mutable-tools', version: '1.0.0' },
        { capabilities: { tools: {} } },
      );
      server.setRequestHandler('tools/list', async () => {
        listings++;
        return { tools: structuredClone(tools) as never };
      });
      server.setRequestHandler('tools/call', async (request) => ({
        content: [{ type: 'text', text: request.params.name }],
      }));
      return server;
    },
    { legacy: 'stateless' },
  );
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    void serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  const http = options.tls ? createHttpsServer(options.tls, listener) : createServer(listener);

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const response = await handler.fetch(
      new Request(`http://127.0.0.1${req.url ?? '/'}`, {
        method: req.method,
        headers,
        body: hasBody ? Buffer.concat(chunks) : undefined,
      }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) for await (const chunk of response.body) res.write(chunk);
    res.end();
  }

  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  const { port } = http.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/mcp`,
    setTools(next: WireTool[]) {
      tools = structuredClone(next);
    },
    get listings() {
      return listings;
    },
    close: async () => {
      await handler.close();
      http.closeAllConnections();
      await new Promise<void>((done) => http.close(() => done()));
    },
  };
}
