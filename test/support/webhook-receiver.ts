import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the receiver took, with what its signature check found. */
export interface ReceivedWebhook {
  /** The request path: each subscription posts to a path of its own. */
  path: string;
  id: string;
  timestamp: number;
  signatureValid: boolean;
  body: any;
  raw: string;
  receivedAt: number;
  /** The status the receiver answered. */
  status: number;
}

/**
 * Verifies a Standard Webhooks signature the way the scheme's libraries do, written here from
 * the specification (not with the app's code): HMAC-SHA256 keyed by the base64 after `whsec_`,
 * over `id.timestamp.body`, any `v1,` entry of the space-separated header matching, and the
 * timestamp within five minutes.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: { id?: string; timestamp?: string; signature?: string },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signature.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export type ReceiverBehaviour =
  | { kind: 'ok' }
  | { kind: 'status'; status: number }
  | { kind: 'slow'; ms: number }
  | { kind: 'redirect'; location: string }
  | { kind: 'huge'; bytes: number };

/**
 * A real webhook receiver on loopback: it checks every request's signature with the secret it
 * is given, records the event in arrival order, and behaves as told (answer 204, fail with a
 * status, hang, redirect, stream a huge body). `down()` closes the port (connections refused)
 * until `up()` listens on the same port again.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  behaviour: ReceiverBehaviour = { kind: 'ok' };
  /** Called for each request before it is answered (e.g. to kill the sender mid-delivery). */
  onRequest: ((hook: ReceivedWebhook) => void) | null = null;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private secrets = new Map<string, string>();
  port = 0;

  /** Path → secret: each subscription posts to a path of its own. */
  secretFor(path: string, secret: string): void {
    this.secrets.set(path, secret);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** What arrived on `path`, in arrival order. */
  on(path: string): ReceivedWebhook[] {
    return this.received.filter((hook) => hook.path === path);
  }

  async up(): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = request.url ?? '/';
    const secret = this.secrets.get(path) ?? '';
    const hook: ReceivedWebhook = {
      path,
      id: String(request.headers['webhook-id'] ?? ''),
      timestamp: Number(request.headers['webhook-timestamp'] ?? 0),
      signatureValid: verifyStandardWebhook(
        secret,
        {
          id: request.headers['webhook-id'] as string | undefined,
          timestamp: request.headers['webhook-timestamp'] as string | undefined,
          signature: request.headers['webhook-signature'] as string | undefined,
        },
        raw,
      ),
      body: safeJson(raw),
      raw,
      receivedAt: Date.now(),
      status: 204,
    };
    this.onRequest?.(hook);
    const behaviour = this.behaviour;
    switch (behaviour.kind) {
      case 'status':
        hook.status = behaviour.status;
        this.received.push(hook);
        response.writeHead(behaviour.status).end('no');
        return;
      case 'slow':
        hook.status = 0;
        this.received.push(hook);
        setTimeout(() => {
          if (!response.destroyed) response.writeHead(204).end();
        }, behaviour.ms);
        return;
      case 'redirect':
        hook.status = 307;
        this.received.push(hook);
        response.writeHead(307, { location: behaviour.location }).end();
        return;
      case 'huge': {
        hook.status = 200;
        this.received.push(hook);
        response.writeHead(200, { 'content-type': 'text/plain' });
        const block = Buffer.alloc(64 * 1024, 'x');
        let sent = 0;
        const pump = () => {
          while (sent < behaviour.bytes && !response.destroyed) {
            sent += block.length;
            if (!response.write(block)) return void response.once('drain', pump);
          }
          response.end();
        };
        pump();
        return;
      }
      default:
        this.received.push(hook);
        response.writeHead(204).end();
    }
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
