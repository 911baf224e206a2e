import { Response } from 'undici';
import { ProbeBudget } from './probe-budget';

const LF = 0x0a;
const CR = 0x0d;

/**
 * The response with a body that counts bytes as the reader pulls them: against the probe's total,
 * and against the message limit per body (JSON, error pages) or per SSE event (event streams).
 * Past a limit the body errors, the underlying read is cancelled and the budget trips, which
 * aborts the request and so destroys its socket. Nothing is read ahead of the consumer.
 */
export function limitedResponse(response: Response, budget: ProbeBudget): Response {
  const source = response.body;
  if (!source) return response;
  const type = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const meter = type === 'text/event-stream' ? new SseEventMeter() : new BodyMeter();
  const declared = Number(response.headers.get('content-length') ?? NaN);
  // A declared length past the limit fails before a byte of the body is read.
  if (meter instanceof BodyMeter && !budget.checkMessageBytes(declared || 0)) {
    void source.cancel().catch(() => undefined);
    throw budget.failure;
  }

  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        if (!budget.takeBytes(value.byteLength) || !meter.fits(value, budget)) {
          controller.error(budget.failure);
          void reader.cancel(budget.failure).catch(() => undefined);
          return;
        }
        controller.enqueue(value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    // Pull only when the consumer asks: a slow reader never makes us buffer the server's stream.
    { highWaterMark: 0 },
  );
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** One message per body: the whole body counts against the message limit. */
class BodyMeter {
  private bytes = 0;

  fits(chunk: Uint8Array, budget: ProbeBudget): boolean {
    this.bytes += chunk.byteLength;
    return budget.checkMessageBytes(this.bytes);
  }
}

/**
 * One message per SSE event: bytes since the last blank line (CRLF, LF or CR line ends) count
 * against the message limit, so an endless event fails while a long stream of small ones is
 * bounded by the total.
 */
class SseEventMeter {
  private eventBytes = 0;
  private lineBytes = 0;
  private afterCr = false;

  fits(chunk: Uint8Array, budget: ProbeBudget): boolean {
    // The common case of a long event: no line end in the chunk, nothing to scan byte by byte.
    if (chunk.indexOf(LF) === -1 && chunk.indexOf(CR) === -1) {
      this.lineBytes += chunk.length;
      this.eventBytes += chunk.length;
      this.afterCr = false;
      return budget.checkMessageBytes(this.eventBytes);
    }
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === LF && this.afterCr) {
        this.afterCr = false;
        continue;
      }
      this.afterCr = byte === CR;
      if (byte === LF || byte === CR) {
        if (this.lineBytes === 0) {
          if (!budget.checkMessageBytes(this.eventBytes)) return false;
          this.eventBytes = 0;
        }
        this.lineBytes = 0;
        continue;
      }
      this.lineBytes += 1;
      this.eventBytes += 1;
    }
    return budget.checkMessageBytes(this.eventBytes);
  }
}
