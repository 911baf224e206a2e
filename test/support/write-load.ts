import { randomBytes } from 'node:crypto';
import { sleep, timedRequest, TimedResult } from './app-process';

/** One request a load loop made, as the caller saw it. */
export interface LoadSample {
  /** performance.now() when it was sent. */
  sentAt: number;
  ms: number;
  /** HTTP status, or 0 when the request failed without an answer (reset, client timeout). */
  status: number;
  /** The client-side error code when status is 0 (ECONNRESET, TimeoutError, ...). */
  error?: string;
  body?: any;
  /** What the request tried to create (a server_id for registry writes). */
  id: string;
}

export interface LoadHandle {
  samples: LoadSample[];
  /** Stops sending and resolves once every request in flight has its answer. */
  stop(): Promise<LoadSample[]>;
}

/** A minimal valid registry server body with a fresh server_id. */
export function serverBody(organizationId: string): { server_id: string; [key: string]: unknown } {
  const suffix = randomBytes(6).toString('hex');
  return {
    server_id: `fault-${suffix}`,
    server_name: `Fault ${suffix}`,
    transport: 'streamable_http',
    url: `https://mcp-${suffix}.example.com/mcp`,
    organization_id: organizationId,
  };
}

async function sample(id: string, send: () => Promise<TimedResult>): Promise<LoadSample> {
  const sentAt = performance.now();
  try {
    const result = await send();
    return { sentAt, ms: result.ms, status: result.status, body: result.body, id };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return {
      sentAt,
      ms: performance.now() - sentAt,
      status: 0,
      error: cause?.code ?? (error as Error).name,
      id,
    };
  }
}

/**
 * `concurrency` closed-loop writers, each creating registry servers one after another
 * (POST /v1/mcp/server) until stopped.
 */
export function startWriters(options: {
  url: string;
  key: string;
  organizationId: string;
  concurrency: number;
  timeoutMs?: number;
}): LoadHandle {
  const samples: LoadSample[] = [];
  let running = true;
  const loop = async () => {
    while (running) {
      const body = serverBody(options.organizationId);
      const result = await sample(body.server_id, () =>
        timedRequest(options.url, 'POST', '/v1/mcp/server', {
          key: options.key,
          body,
          timeoutMs: options.timeoutMs ?? 30_000,
        }),
      );
      samples.push(result);
      // An answer with no database behind it comes back at once: do not spin the CPU on it.
      if (result.status !== 201) await sleep(20);
    }
  };
  const loops = Array.from({ length: options.concurrency }, loop);
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return samples;
    },
  };
}

/**
 * Open-loop load: `perSecond` requests a second for `durationMs`, each sent on schedule whether
 * or not earlier ones have answered (what a hung database does to a busy service).
 */
export async function paced(
  perSecond: number,
  durationMs: number,
  send: (index: number) => Promise<TimedResult>,
  onTick?: () => void,
): Promise<LoadSample[]> {
  const pending: Promise<LoadSample>[] = [];
  const started = performance.now();
  const total = Math.floor((perSecond * durationMs) / 1000);
  for (let index = 0; index < total; index += 1) {
    const due = started + (index * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    onTick?.();
    pending.push(sample(String(index), () => send(index)));
  }
  return Promise.all(pending);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
