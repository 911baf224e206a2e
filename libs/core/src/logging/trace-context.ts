import { AsyncLocalStorage } from 'node:async_hooks';

const traceIds = new AsyncLocalStorage<string>();

/** The trace id of the request whose work is running, if any (log lines pick it up from here). */
export function currentTraceId(): string | undefined {
  return traceIds.getStore();
}

/** Runs `fn`, and everything it starts, as the work of the request `traceId`. */
export function runWithTraceId<T>(traceId: string, fn: () => T): T {
  return traceIds.run(traceId, fn);
}
