import type {
  McpConfigurationTestOutcome,
  McpConnectionStatus,
  McpServerProbeOutcome,
} from '@app/dal';
import { SecretDecryptionError, UnknownEncryptionKeyError } from '@app/crypto';
import type { ProbeResult } from '@app/mcp-probe';

/**
 * A registry server's health columns after a probe. A failed probe keeps the last discovered
 * tools (consumers still route by them) but has no latency; `consecutive_failures` is counted by
 * the repository from the status.
 */
export function serverOutcomeOf(result: ProbeResult, checkedAt: Date): McpServerProbeOutcome {
  const listed = result.ok && result.tools_listed;
  const probed = result.ok || result.error_kind !== null;
  return {
    status: result.status,
    error: result.ok ? null : (result.error ?? 'the probe failed'),
    errorKind: result.ok ? null : result.error_kind,
    latencyMs: result.ok ? result.latency_ms : null,
    tools: listed ? result.tools : null,
    checkedAt,
    protocol:
      result.protocol_version !== null && result.protocol_era !== null
        ? { version: result.protocol_version, era: result.protocol_era }
        : null,
    transportDeprecated: probed ? result.transport_deprecated : null,
    // A hint serves one background round at most: a round that reused the list clears it.
    toolsFreshUntil:
      listed && result.tools_ttl_ms !== null
        ? new Date(checkedAt.getTime() + result.tools_ttl_ms)
        : null,
  };
}

/**
 * Whether a background round may skip listing the tools of `server`: the last listing came with
 * a modern caching hint that has not run out, and the server was not changed since (a new URL or
 * command is another server). On-demand probes never ask.
 */
export function toolsStillFresh(
  server: { toolsFreshUntil: Date | null; lastHealthCheck: Date | null; updatedAt: Date },
  now: Date,
): boolean {
  const { toolsFreshUntil, lastHealthCheck, updatedAt } = server;
  return (
    toolsFreshUntil !== null &&
    toolsFreshUntil.getTime() > now.getTime() &&
    lastHealthCheck !== null &&
    updatedAt.getTime() <= lastHealthCheck.getTime()
  );
}

/**
 * `connected` when the MCP exchange succeeded; `disconnected` when nothing answered in time (no
 * connection, refused, timed out); `error` when something answered but wrongly (credentials
 * rejected, not MCP, protocol errors) or the target is not allowed.
 */
export function connectionStatusOf(result: ProbeResult): McpConnectionStatus {
  if (result.ok) return 'connected';
  return result.error_kind === 'unreachable' || result.error_kind === 'timeout'
    ? 'disconnected'
    : 'error';
}

export function configurationOutcomeOf(
  result: ProbeResult,
  testedAt: Date,
): McpConfigurationTestOutcome {
  const outcome: McpConfigurationTestOutcome = {
    connectionStatus: connectionStatusOf(result),
    errorMessage: result.ok ? null : (result.error ?? 'the connection test failed'),
    latencyMs: result.ok ? result.latency_ms : null,
  };
  if (result.ok) {
    outcome.lastConnectedAt = testedAt;
    outcome.tools = result.tools;
  }
  return outcome;
}

/**
 * When a server is next due. The schedule keeps its cadence (due time + interval) so checks do
 * not drift later by the checker's lag every round; a server more than an interval behind (new,
 * or after an outage of every checker) restarts from the claim time.
 */
export function nextCheckAt(dueAt: Date | null, claimedAt: Date, intervalMs: number): Date {
  const claimed = claimedAt.getTime();
  const due = dueAt?.getTime();
  const base = due !== undefined && due + intervalMs > claimed ? due : claimed;
  return new Date(base + intervalMs);
}

/** A result for a server that was not probed at all (its stored secrets do not open). */
export function notProbed(error: string): ProbeResult {
  return {
    ok: false,
    status: 'unknown',
    latency_ms: null,
    server_info: null,
    tools: [],
    error,
    error_kind: null,
    protocol_version: null,
    protocol_era: null,
    transport_deprecated: false,
    tools_listed: false,
    tools_ttl_ms: null,
    tool_definitions: [],
    tools_fingerprint: null,
    tools_digest: null,
  };
}

/**
 * What a probe whose stored secrets failed to open answers. A broken value (corrupt, swapped,
 * sealed for another row) is reported once through `report` and the target is not probed. An
 * unknown key is a rollout in progress, not a broken value, so it is rethrown like any other
 * error: the caller answers 503 (or the checker leaves the target to a replica that has the key)
 * and nothing is recorded.
 */
export function notProbedIfUndecryptable(
  error: unknown,
  report: (failure: SecretDecryptionError) => void,
  message: string,
): ProbeResult {
  if (!(error instanceof SecretDecryptionError) || error instanceof UnknownEncryptionKeyError) {
    throw error;
  }
  report(error);
  return notProbed(message);
}
