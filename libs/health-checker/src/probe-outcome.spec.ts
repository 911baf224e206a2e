import type { ProbeResult } from '@app/mcp-probe';
import {
  configurationOutcomeOf,
  connectionStatusOf,
  nextCheckAt,
  serverOutcomeOf,
  toolsStillFresh,
} from './probe-outcome';

const at = new Date('2025-11-13T10:00:00.000Z');

function healthy(): ProbeResult {
  return {
    ok: true,
    status: 'healthy',
    latency_ms: 42,
    server_info: { name: 's', version: '1', protocol_version: '2025-06-18' },
    tools: [{ name: 'echo', description: null }],
    error: null,
    error_kind: null,
    protocol_version: '2025-06-18',
    protocol_era: 'legacy',
    transport_deprecated: false,
    tools_listed: true,
    tools_ttl_ms: null,
    tool_definitions: [],
    tools_fingerprint: null,
    tools_digest: null,
  };
}

function failed(
  kind: ProbeResult['error_kind'],
  status: ProbeResult['status'] = 'unhealthy',
): ProbeResult {
  return {
    ok: false,
    status,
    latency_ms: null,
    server_info: null,
    tools: [],
    error: `failed: ${kind}`,
    error_kind: kind,
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

describe('serverOutcomeOf', () => {
  it('stores the tools and latency of a healthy probe', () => {
    expect(serverOutcomeOf(healthy(), at)).toEqual({
      status: 'healthy',
      error: null,
      errorKind: null,
      latencyMs: 42,
      tools: [{ name: 'echo', description: null }],
      checkedAt: at,
      protocol: { version: '2025-06-18', era: 'legacy' },
      transportDeprecated: false,
      toolsFreshUntil: null,
    });
  });

  it('keeps the last discovered tools (null) and drops the latency when a probe fails', () => {
    expect(serverOutcomeOf(failed('credentials_rejected'), at)).toEqual({
      status: 'unhealthy',
      error: 'failed: credentials_rejected',
      errorKind: 'credentials_rejected',
      latencyMs: null,
      tools: null,
      checkedAt: at,
      protocol: null,
      transportDeprecated: false,
      toolsFreshUntil: null,
    });
  });

  it('keeps the protocol a failed probe agreed on, and says nothing of an unprobed server', () => {
    const afterNegotiation: ProbeResult = {
      ...failed('protocol_error'),
      protocol_version: '2026-07-28',
      protocol_era: 'modern',
    };
    expect(serverOutcomeOf(afterNegotiation, at).protocol).toEqual({
      version: '2026-07-28',
      era: 'modern',
    });
    const sse: ProbeResult = { ...failed('unreachable'), transport_deprecated: true };
    expect(serverOutcomeOf(sse, at).transportDeprecated).toBe(true);
    // Secrets that did not open: nothing was learnt about the server.
    expect(serverOutcomeOf(failed(null, 'unknown'), at).transportDeprecated).toBeNull();
  });

  it("turns a modern tool list's caching hint into a fresh-until, once", () => {
    const hinted: ProbeResult = { ...healthy(), protocol_era: 'modern', tools_ttl_ms: 60_000 };
    expect(serverOutcomeOf(hinted, at).toolsFreshUntil).toEqual(new Date(at.getTime() + 60_000));
    // A round that reused the list keeps the stored tools and clears the hint.
    const reused: ProbeResult = { ...hinted, tools: [], tools_listed: false, tools_ttl_ms: null };
    expect(serverOutcomeOf(reused, at)).toMatchObject({ tools: null, toolsFreshUntil: null });
  });
});

describe('toolsStillFresh', () => {
  const listedAt = new Date(at.getTime() - 1_000);
  const server = {
    toolsFreshUntil: new Date(at.getTime() + 5_000),
    lastHealthCheck: listedAt,
    updatedAt: new Date(listedAt.getTime() - 60_000),
  };

  it('is true while the hint runs and the server is unchanged since the listing', () => {
    expect(toolsStillFresh(server, at)).toBe(true);
  });

  it('is false once the hint ran out, without one, or after the server was changed', () => {
    expect(toolsStillFresh(server, new Date(at.getTime() + 5_000))).toBe(false);
    expect(toolsStillFresh({ ...server, toolsFreshUntil: null }, at)).toBe(false);
    expect(toolsStillFresh({ ...server, updatedAt: at }, at)).toBe(false);
  });
});

describe('connectionStatusOf', () => {
  it.each([
    ['unreachable', 'disconnected'],
    ['timeout', 'disconnected'],
    ['credentials_rejected', 'error'],
    ['not_mcp', 'error'],
    ['protocol_error', 'error'],
    ['target_refused', 'error'],
  ] as const)('maps a %s failure to %s', (kind, status) => {
    expect(connectionStatusOf(failed(kind))).toBe(status);
  });

  it('is connected when the exchange succeeded', () => {
    expect(connectionStatusOf(healthy())).toBe('connected');
  });
});

describe('configurationOutcomeOf', () => {
  it('records the connection time and tools only on success', () => {
    expect(configurationOutcomeOf(healthy(), at)).toMatchObject({
      connectionStatus: 'connected',
      lastConnectedAt: at,
      tools: [{ name: 'echo', description: null }],
    });
    const outcome = configurationOutcomeOf(failed('timeout'), at);
    expect(outcome).toEqual({
      connectionStatus: 'disconnected',
      errorMessage: 'failed: timeout',
      latencyMs: null,
    });
  });
});

describe('nextCheckAt', () => {
  const interval = 60_000;

  it('keeps the cadence: due time plus the interval, however late the claim', () => {
    const due = new Date(at.getTime() - 5_000);
    expect(nextCheckAt(due, at, interval).getTime()).toBe(due.getTime() + interval);
  });

  it('restarts from the claim for a server never scheduled or more than an interval behind', () => {
    expect(nextCheckAt(null, at, interval).getTime()).toBe(at.getTime() + interval);
    const longAgo = new Date(at.getTime() - 3 * interval);
    expect(nextCheckAt(longAgo, at, interval).getTime()).toBe(at.getTime() + interval);
  });
});
