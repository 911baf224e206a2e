/** Each failure multiplies the wait by this. */
const FACTOR = 3;
/** Waits are spread by up to this fraction either way, so receivers coming back are not stampeded. */
const JITTER = 0.2;

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * The wait after the `failures`-th failed attempt of an event (1 for the first): base × 3^(n-1),
 * at most `maxMs`, ±20% jitter. With the defaults (10 s, 12 h, 10 attempts) the nine waits sum to
 * about 21 hours: a receiver gets about a day before its subscription is disabled.
 */
export function backoffDelayMs(
  failures: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 40);
  const plain = Math.min(policy.maxMs, policy.baseMs * FACTOR ** exponent);
  const spread = plain * JITTER * (2 * random() - 1);
  return Math.max(1, Math.round(plain + spread));
}
