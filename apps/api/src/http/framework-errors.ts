import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { EnvelopeSource, errorEnvelope, newRequestId } from '@app/core';

/** An answer given before any route, hook or Nest filter runs, in the API.md envelope. */
export type Rejection = EnvelopeSource;

export interface RejectionLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const CLOSE_GRACE_MS = 5_000;

function rejection(
  status: number,
  code: string,
  systemMessage: string,
  field?: { field: string; message: string },
): Rejection {
  return {
    status,
    code,
    type: status >= 500 ? 'server_error' : 'validation_error',
    message: status >= 500 ? 'An internal error occurred' : 'Invalid request',
    systemMessage,
    ...(field ? { details: { fields: [field] } } : {}),
  };
}

/**
 * What Fastify's router refuses before any hook runs (the `frameworkErrors` option). The input is
 * never echoed: a hostile URL stays out of the answer.
 */
export function routerRejection(error: Pick<FastifyError, 'code'>): Rejection {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return rejection(400, 'VALIDATION_ERROR', 'The request URL is not valid', {
        field: 'url',
        message: 'contains an invalid percent-encoding',
      });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return rejection(414, 'URI_TOO_LONG', 'A path segment of the URL is too long', {
        field: 'url',
        message: 'has a path parameter longer than the router accepts',
      });
    default:
      return rejection(500, 'INTERNAL_ERROR', 'Internal server error');
  }
}

/**
 * What Node's HTTP parser refuses (the server's `clientError`): a request not received in time,
 * headers (or the request line) over the size limit, or bytes that are not HTTP. The limit covers
 * the request line and the headers together; when the packet that overflowed starts with a request
 * line longer than the limit, the URL is what was too long (414), otherwise the headers (431).
 */
export function parserRejection(error: { code?: string; rawPacket?: unknown }): Rejection {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return rejection(408, 'REQUEST_TIMEOUT', 'The request was not received in time');
    case 'HPE_HEADER_OVERFLOW':
      return requestLineTooLong(error.rawPacket)
        ? rejection(414, 'URI_TOO_LONG', 'The request URL is too long', {
            field: 'url',
            message: 'is too long',
          })
        : rejection(431, 'HEADERS_TOO_LARGE', 'The request headers are too large', {
            field: 'headers',
            message: 'are too large',
          });
    default:
      return rejection(400, 'VALIDATION_ERROR', 'The request is not valid HTTP/1.1', {
        field: 'request',
        message: 'is malformed',
      });
  }
}

/** The packet starts a request whose request line alone is over Node's header size limit. */
function requestLineTooLong(packet: unknown): boolean {
  if (!Buffer.isBuffer(packet)) return false;
  if (!/^[A-Z]{3,7} \S/.test(packet.subarray(0, 16).toString('latin1'))) return false;
  const end = packet.indexOf('\r\n');
  return (end === -1 ? packet.length : end) >= maxHeaderSize;
}

function envelopeOf(rejected: Rejection, traceId: string): string {
  return JSON.stringify(errorEnvelope(rejected, traceId));
}

/** Fastify's `frameworkErrors`: the router's refusals, with X-Request-Id like every answer. */
export function frameworkErrorHandler(log: () => RejectionLog | undefined) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const rejected = routerRejection(error);
    log()?.warn(
      { trace_id: request.id, status: rejected.status, reason: error.code },
      'request refused by the router',
    );
    void reply
      .code(rejected.status)
      .header('x-request-id', request.id)
      .header('content-type', JSON_CONTENT_TYPE)
      .send(envelopeOf(rejected, request.id));
  };
}

/**
 * Fastify's `clientErrorHandler` (the server's 'clientError'). There is no request object, so the
 * answer is written to the socket by hand, with a fresh request id, and the connection closed
 * once it is flushed. Nothing is written when a response has already started on the socket or
 * the socket is gone (Node's own rule); a request still waiting for its body gets the answer.
 */
export function clientErrorHandler(log: () => RejectionLog | undefined) {
  return (error: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    // Node's own rule: answer unless a response has already started on this socket.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const rejected = parserRejection(error);
    const traceId = newRequestId();
    log()?.warn(
      { trace_id: traceId, status: rejected.status, reason: error.code ?? 'unknown' },
      'request refused by the HTTP parser',
    );
    const body = envelopeOf(rejected, traceId);
    const head =
      `HTTP/1.1 ${rejected.status} ${STATUS_CODES[rejected.status] ?? 'Error'}\r\n` +
      `Content-Type: ${JSON_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${traceId}\r\n` +
      'Connection: close\r\n\r\n';
    // A client that never reads cannot keep the socket: it goes after a short grace either way.
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
    socket.end(head + body, () => socket.destroy());
  };
}
