import { AsyncLocalStorage } from 'node:async_hooks';

interface RequestContext {
  traceId: string;
  /** Database writes of this request that committed (a 503 after one is a partial write). */
  committedWrites: number;
}

const requests = new AsyncLocalStorage<RequestContext>();

/** The trace id of the request whose work is running, if any (log lines pick it up from here). */
export function currentTraceId(): string | undefined {
  return requests.getStore()?.traceId;
}

/** Runs `fn`, and everything it starts, as the work of the request `traceId`. */
export function runWithTraceId<T>(traceId: string, fn: () => T): T {
  return requests.run({ traceId, committedWrites: 0 }, fn);
}

/** The data layer calls this after a COMMIT (or an auto-committed write) succeeded. */
export function noteCommittedWrite(): void {
  const context = requests.getStore();
  if (context) context.committedWrites += 1;
}

/** Whether the running request has committed a database write so far. */
export function requestHasCommittedWrite(): boolean {
  return (requests.getStore()?.committedWrites ?? 0) > 0;
}
