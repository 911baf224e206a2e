import * as net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
  text: string;
  /** Milliseconds from the first byte written to the connection's close. */
  elapsedMs: number;
}

/**
 * Writes `chunks` to a fresh TCP connection (pausing `gapMs` between them) and reads until the
 * server closes it or `timeoutMs` passes; parses the last HTTP/1.1 response on the wire. For the
 * requests `fetch` refuses to send: bad escapes, oversized or malformed heads, slow senders.
 */
export async function rawHttp(
  baseUrl: string,
  chunks: (string | Buffer)[],
  options: { gapMs?: number; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const { port, hostname } = new URL(baseUrl);
  const started = Date.now();
  const received = await new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    const socket = net.connect(Number(port), hostname);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${options.timeoutMs ?? 10_000} ms`));
    }, options.timeoutMs ?? 10_000);
    socket.on('data', (chunk) => parts.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(parts));
    });
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
      }
    });
  });
  return { ...parseLastResponse(received.toString('utf8')), elapsedMs: Date.now() - started };
}

function parseLastResponse(raw: string): Omit<RawResponse, 'elapsedMs'> {
  const at = raw.lastIndexOf('HTTP/1.1 ');
  if (at === -1)
    throw new Error(`no HTTP response on the wire: ${JSON.stringify(raw.slice(0, 200))}`);
  const response = raw.slice(at);
  const split = response.indexOf('\r\n\r\n');
  const head = response.slice(0, split).split('\r\n');
  const text = response.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the test says what it expected
  }
  return { status: Number(head[0].split(' ')[1]), headers, body, text };
}
