/** Resolves after `ms` of real time: for waits that are what a test measures, not for syncing. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface WaitOptions {
  /** How often the condition is asked again (default 25 ms). */
  pollMs?: number;
  /** What the condition means, for the error when it is not met. */
  what?: string;
}

/**
 * Asks `check` until it answers true and resolves with the milliseconds that took; rejects once
 * `timeoutMs` has passed without it. The one polling helper of the suites (unit specs too): a
 * test waits for an observable state, never for a fixed time.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  options: WaitOptions = {},
): Promise<number> {
  const started = Date.now();
  const until = started + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) {
      throw new Error(`${options.what ?? 'condition'} not met within ${timeoutMs} ms`);
    }
    await sleep(options.pollMs ?? 25);
  }
  return Date.now() - started;
}
