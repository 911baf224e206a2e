import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { errorEnvelope, ServiceUnavailableError } from '@app/core';

/**
 * While draining, a keep-alive connection idle this long is closed. A client between two
 * requests sends its next one well within this, gets the 503 below and a clean close; only a
 * connection nobody uses is closed without an answer (the race every keep-alive server has).
 */
export const DRAIN_IDLE_GRACE_MS = 1_000;

interface ConnectionState {
  /** Responses of this connection not finished yet. */
  readonly responses: Set<ServerResponse>;
  idleSince: number;
  idleTimer: NodeJS.Timeout | null;
}

export interface DrainLog {
  warn(message: string): void;
}

/**
 * Graceful HTTP shutdown without resets. Node's `server.close()` (and Fastify's close) destroys
 * every idle keep-alive socket at once, so a request a client is sending on one at that moment
 * meets a reset. Instead, on `start()`:
 * - the listener stops (new connections are refused), the open connections stay;
 * - responses in flight finish and carry `Connection: close`, so their sockets close after them;
 * - a request arriving on a kept-alive connection gets the 503 envelope with `Connection: close`;
 * - a connection idle for `idleGraceMs` is closed; at the deadline whatever is left is destroyed.
 * `finished` resolves when no connection is left; Fastify's close waits for it (preClose).
 */
export class ConnectionDrain {
  private readonly connections = new Map<Socket, ConnectionState>();
  private draining = false;
  /** Connections accepted so far. */
  private accepted = 0;
  private idleGraceMs = DRAIN_IDLE_GRACE_MS;
  private deadline: NodeJS.Timeout | null = null;
  private resolveFinished: () => void = () => undefined;
  readonly finished = new Promise<void>((resolve) => (this.resolveFinished = resolve));

  constructor(
    private readonly server: Server,
    private readonly log: DrainLog,
  ) {
    server.on('connection', (socket: Socket) => this.track(socket));
    server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      this.onRequest(request, response),
    );
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Answers requests that arrive while draining, and makes Fastify's close wait for the drain. */
  install(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      if (!this.draining) return done();
      const error = new ServiceUnavailableError(
        'The service is shutting down; retry the request (it was not processed)',
      );
      void reply
        .code(error.status)
        .header('connection', 'close')
        .header('x-request-id', request.id)
        .header('content-type', 'application/json; charset=utf-8')
        .send(errorEnvelope(error, request.id));
    });
    // A close without a signal (tests, embedding) drains at once, like Node's own close.
    fastify.addHook('preClose', async () => {
      if (!this.draining) this.start(null, 0);
      await this.finished;
    });
  }

  /** Starts draining; connections still open after `budgetMs` (null: no limit) are destroyed. */
  start(
    budgetMs: number | null,
    idleGraceMs = Math.min(DRAIN_IDLE_GRACE_MS, budgetMs ?? DRAIN_IDLE_GRACE_MS),
  ): void {
    if (this.draining) return;
    this.draining = true;
    this.idleGraceMs = idleGraceMs;
    this.stopListening(budgetMs);
    for (const [socket, state] of this.connections) {
      for (const response of state.responses) {
        if (!response.headersSent) response.setHeader('connection', 'close');
      }
      if (state.responses.size === 0) this.scheduleIdleClose(socket, state);
    }
    if (budgetMs !== null) {
      this.deadline = setTimeout(() => this.destroyRemaining(), budgetMs);
      this.deadline.unref();
    }
    this.settleIfEmpty();
  }

  /**
   * Closes the listener once the accept queue is empty. Node accepts one connection per event
   * loop turn, so on a busy process clients whose connections the kernel already completed can
   * wait there; closing the listener would reset them. So the listener stays open until a turn
   * passes without a new connection (those accepted meanwhile get the 503), or half the budget.
   * net.Server.close only stops listening; http.Server.close would also destroy idle sockets.
   */
  private stopListening(budgetMs: number | null): void {
    if (!this.server.listening) return;
    const giveUpAt = Date.now() + (budgetMs ?? 0) / 2;
    let seen = -1;
    const check = () => {
      if (seen === this.accepted || Date.now() >= giveUpAt) {
        NetServer.prototype.close.call(this.server);
        return;
      }
      seen = this.accepted;
      setImmediate(check);
    };
    setImmediate(check);
  }

  private track(socket: Socket): void {
    this.accepted++;
    const state: ConnectionState = { responses: new Set(), idleSince: Date.now(), idleTimer: null };
    this.connections.set(socket, state);
    socket.once('close', () => {
      if (state.idleTimer) clearTimeout(state.idleTimer);
      this.connections.delete(socket);
      this.settleIfEmpty();
    });
    if (this.draining) this.scheduleIdleClose(socket, state);
  }

  private onRequest(request: IncomingMessage, response: ServerResponse): void {
    const socket = request.socket;
    const state = this.connections.get(socket);
    if (!state) return;
    if (state.idleTimer) {
      clearTimeout(state.idleTimer);
      state.idleTimer = null;
    }
    state.responses.add(response);
    response.once('close', () => {
      state.responses.delete(response);
      state.idleSince = Date.now();
      if (this.draining && state.responses.size === 0 && !socket.destroyed) {
        this.scheduleIdleClose(socket, state);
      }
    });
  }

  private scheduleIdleClose(socket: Socket, state: ConnectionState): void {
    if (state.idleTimer) clearTimeout(state.idleTimer);
    const wait = Math.max(0, state.idleSince + this.idleGraceMs - Date.now());
    state.idleTimer = setTimeout(() => {
      state.idleTimer = null;
      // One more turn first: a request whose bytes already arrived is read in the poll phase.
      setImmediate(() => {
        if (state.responses.size === 0 && state.idleTimer === null) socket.destroy();
      });
    }, wait);
    state.idleTimer.unref();
  }

  private destroyRemaining(): void {
    const busy = [...this.connections.values()].filter((state) => state.responses.size > 0);
    if (busy.length > 0) {
      this.log.warn(
        `Shutdown budget spent: closing ${busy.length} connections with requests still running`,
      );
    }
    for (const socket of this.connections.keys()) socket.destroy();
  }

  private settleIfEmpty(): void {
    if (!this.draining || this.connections.size > 0) return;
    if (this.deadline) clearTimeout(this.deadline);
    this.resolveFinished();
  }
}
