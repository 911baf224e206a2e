import { ProbeContext } from './probe-session';
import { ProbeErrorKind, ProbeResult } from './probe.types';

/** A failed probe's result: what went wrong, and what was learnt of the protocol before. */
export function failed(
  kind: ProbeErrorKind,
  message: string,
  context: ProbeContext | null = null,
  deprecated = false,
): ProbeResult {
  return {
    ok: false,
    status: kind === 'stdio_disabled' ? 'unknown' : 'unhealthy',
    latency_ms: null,
    server_info: null,
    tools: [],
    error: message,
    error_kind: kind,
    ...eraOf(context, deprecated),
    tools_listed: false,
    tools_ttl_ms: null,
    tool_definitions: [],
    tools_fingerprint: null,
    tools_digest: null,
  };
}

/** What the probe learnt of the protocol, even when it failed after agreeing on one. */
export function eraOf(
  context: ProbeContext | null,
  deprecated: boolean,
): Pick<ProbeResult, 'protocol_version' | 'protocol_era' | 'transport_deprecated'> {
  const client = context?.negotiated;
  return {
    protocol_version: client?.getNegotiatedProtocolVersion() ?? null,
    protocol_era: client?.getProtocolEra() ?? null,
    transport_deprecated: deprecated,
  };
}
