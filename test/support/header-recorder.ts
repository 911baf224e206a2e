import { createServer as createHttpServer, IncomingHttpHeaders, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo } from 'node:net';

export interface HeaderRecorder {
  /** Base URL (`http(s)://127.0.0.1:<port>`), no trailing slash. */
  url: string;
  /** Headers of every request received, in order. */
  readonly received: IncomingHttpHeaders[];
  /** Every credential-bearing header value received (authorization, x-api-key, …). */
  secretsSeen(): string[];
  close(): Promise<void>;
}

const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'proxy-authorization', 'cookie'];

/**
 * What an attacker points a server at to collect its secrets: answers every request with a small
 * JSON body and keeps every header it was sent. On 127.0.0.1, port 0; https with `tls`.
 */
export async function startHeaderRecorder(tls?: {
  key: string;
  cert: string;
}): Promise<HeaderRecorder> {
  const received: IncomingHttpHeaders[] = [];
  const handler = (
    req: { headers: IncomingHttpHeaders; resume(): void },
    res: { writeHead(s: number, h: Record<string, string>): { end(b: string): void } },
  ) => {
    received.push(req.headers);
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"thanks":true}');
  };
  const server: Server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    received,
    secretsSeen: () =>
      received.flatMap((headers) =>
        CREDENTIAL_HEADERS.map((name) => headers[name]).filter(
          (value): value is string => typeof value === 'string',
        ),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
