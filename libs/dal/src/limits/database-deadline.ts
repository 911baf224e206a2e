import { AsyncLocalStorage } from 'node:async_hooks';

const deadlines = new AsyncLocalStorage<number>();

/**
 * Runs `fn` with every query it starts bounded by `deadlineAt` (epoch ms) instead of the
 * per-query default: a transaction's statements share the deadline of its start, the readiness
 * ping has a shorter one, and migrations run with `Infinity` (unbounded).
 */
export function withDatabaseDeadline<T>(deadlineAt: number, fn: () => T): T {
  return deadlines.run(deadlineAt, fn);
}

/** The deadline set by the closest `withDatabaseDeadline` around the running code, if any. */
export function databaseDeadline(): number | undefined {
  return deadlines.getStore();
}

/**
 * Settles like `promise`, or rejects with `onExpire()` at `deadlineAt` if it is still pending
 * (a promise left behind that way may still reject later: that rejection is swallowed).
 */
export function raceDeadline<T>(
  promise: Promise<T>,
  deadlineAt: number,
  onExpire: () => Error,
): Promise<T> {
  if (!Number.isFinite(deadlineAt)) return promise;
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(
      () => {
        expired = true;
        promise.catch(() => undefined);
        reject(onExpire());
      },
      Math.max(0, deadlineAt - Date.now()),
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (!expired) resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!expired) reject(error);
      },
    );
  });
}
