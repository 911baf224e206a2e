import * as net from 'node:net';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

/**
 * A loopback TCP proxy in front of a real server, so a test can take "the database" away and
 * bring it back without touching the server other suites share:
 * - `pause()` hangs it (a SIGSTOPped process, a silent partition): sockets stay open, nothing is
 *   forwarded either way, new connections are accepted and hang too;
 * - `reset()` kills it: every open socket is reset and new connections are refused;
 * - `resume()` brings it back on the same port; bytes held during a pause flow on.
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly pairs = new Set<Pair>();
  private paused = false;
  port = 0;
  /** Connections accepted since start (a test can tell a reconnect happened). */
  accepted = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  get isPaused(): boolean {
    return this.paused;
  }

  get isListening(): boolean {
    return this.server !== null;
  }

  /** Open connections (pairs of client and upstream sockets). */
  get connections(): number {
    return this.pairs.size;
  }

  async start(port = this.port): Promise<number> {
    if (this.server) return this.port;
    const server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Hang: stop forwarding bytes in both directions but keep every socket open. */
  pause(): void {
    this.paused = true;
    for (const { client, upstream } of this.pairs) {
      client.pause();
      upstream.pause();
    }
  }

  /** Kill: reset every open socket and refuse new connections until `resume()`. */
  async reset(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const { client, upstream } of this.pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.pairs.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Undo `pause()` and `reset()`: listen again on the same port and forward what was held. */
  async resume(): Promise<void> {
    this.paused = false;
    for (const { client, upstream } of this.pairs) {
      client.resume();
      upstream.resume();
    }
    await this.start(this.port);
  }

  /** Refuse new connections and cut every open one, as a crashed database would. */
  async stop(): Promise<void> {
    this.paused = false;
    await this.reset();
  }

  private accept(client: net.Socket): void {
    this.accepted += 1;
    const upstream = net.connect(this.targetPort, this.targetHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      });
    }
    this.forward(client, upstream);
    this.forward(upstream, client);
    if (this.paused) {
      client.pause();
      upstream.pause();
    }
  }

  /** Like pipe(), but a pause holds bytes back even when the destination drains. */
  private forward(from: net.Socket, to: net.Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (this.paused) {
        from.pause();
        from.unshift(chunk);
        return;
      }
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => {
          if (!this.paused) from.resume();
        });
      }
    });
    from.on('end', () => to.end());
  }
}
