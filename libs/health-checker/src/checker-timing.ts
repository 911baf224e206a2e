/**
 * How often the background checker polls for due servers, and how long its claims last.
 *
 * A claim is a short lease, renewed while its probe runs: a replica that dies stops renewing, so
 * its claims lapse within one lease and another replica's next poll takes the servers over. A
 * server a dead replica had claimed is therefore probed again at most
 * `poll + timeout + lease + poll` after it fell due (claimed at the first poll after its due time,
 * the replica dies at the latest as its probe times out, the lease runs out, the next poll of
 * another replica claims it), which the choices below keep within one interval whenever the
 * interval is at least twice the probe timeout, with a tenth of the interval to spare for late
 * timers and database time on a busy host: poll ≤ interval/10, and the lease is at most
 * min(timeout, interval/5) or half of what is left, whichever is larger; so the bound is at most
 * 0.9 × interval.
 */
export interface CheckerTiming {
  pollMs: number;
  leaseMs: number;
  /** Running probes' leases are extended this often: two renewals can fail before one lapses. */
  renewMs: number;
}

const MIN_POLL_MS = 100;
const MAX_POLL_MS = 5_000;
/** Long enough for any database round trip; longer leases only delay a takeover. */
const MAX_LEASE_MS = 15_000;

export function checkerTiming(intervalMs: number, timeoutMs: number): CheckerTiming {
  const pollMs = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, Math.round(intervalMs / 10)));
  // Half of what the bound leaves, so database time and the probe's cleanup fit in the other
  // half; never less than min(timeout, interval/5), which keeps the bound ≤ 0.9 × interval
  // whenever interval ≥ 2 × timeout.
  const budget = intervalMs - 2 * pollMs - timeoutMs;
  const floor = Math.min(timeoutMs, intervalMs / 5);
  const leaseMs = Math.round(Math.min(MAX_LEASE_MS, Math.max(floor, budget / 2)));
  return { pollMs, leaseMs, renewMs: Math.max(1, Math.floor(leaseMs / 3)) };
}
