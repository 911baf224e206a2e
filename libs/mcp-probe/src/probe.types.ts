import type { ProbeLimits } from './probe-budget';
import type { ProbeCredentials } from './probe-credentials';
import type { ToolDefinition } from './tool-fingerprint';

/** `http` is an alias of `streamable_http`: registries use both names for the same transport. */
export type ProbeTransport = 'sse' | 'http' | 'streamable_http' | 'stdio';

export interface ProbeTarget {
  transport: ProbeTransport;
  url?: string;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  /** Static credential headers; `credentials` (when set) replaces them. */
  headers?: Record<string, string>;
  /** Where the credential headers come from when they can change (refresh on 401, expiry). */
  credentials?: ProbeCredentials;
  /** MCP protocol version to ask for in `initialize`; the server may still answer with another. */
  specVersion?: string;
  /**
   * The last tool list is still fresh by the server's own caching hint: a modern server is then
   * not asked for it again (background rounds only; an on-demand probe always lists).
   */
  toolsStillFresh?: boolean;
  /**
   * The digest and fingerprint of the listing the last probe recorded: a listing with the same
   * digest is not fingerprinted again (`tool_definitions` is then null).
   */
  knownTools?: { digest: string; fingerprint: string };
}

export interface ProbePolicy {
  timeoutMs: number;
  allowLoopback: boolean;
  denyPrivateNetworks: boolean;
  stdioEnabled: boolean;
  stdioAllowlist: string[];
  /** The host variables a stdio child gets besides its stored env (PATH, HOME; from config). */
  stdioBaseEnv?: Readonly<Record<string, string>>;
  caFile?: string;
  /** What one probe may read (DEFAULT_PROBE_LIMITS when absent). */
  limits?: ProbeLimits;
}

export type ProbeErrorKind =
  | 'credentials_rejected'
  | 'unreachable'
  | 'timeout'
  | 'not_mcp'
  | 'target_refused'
  | 'stdio_disabled'
  | 'protocol_error'
  /** The server sent more than the probe reads (PROBE_MAX_* limits). */
  | 'response_too_large'
  /** OAuth: the grant was refused, or the server still refused the token after a refresh. */
  | 'auth_failed'
  /** OAuth: the access token expired and nothing stored can renew it. */
  | 'auth_expired';

export type ProbeStatus = 'healthy' | 'unhealthy' | 'unknown';

/**
 * `modern`: protocol 2026-07-28 or later, negotiated with `server/discover`; `legacy`: the
 * 2025-era `initialize` handshake (2024-11-05 … 2025-11-25).
 */
export type ProtocolEra = 'modern' | 'legacy';

export interface ProbeServerInfo {
  name: string;
  version: string;
  protocol_version: string;
}

export interface ProbeTool {
  name: string;
  description: string | null;
}

export interface ProbeResult {
  ok: boolean;
  status: ProbeStatus;
  latency_ms: number | null;
  server_info: ProbeServerInfo | null;
  tools: ProbeTool[];
  error: string | null;
  error_kind: ProbeErrorKind | null;
  /** The negotiated protocol version; null when the probe failed before agreeing on one. */
  protocol_version: string | null;
  protocol_era: ProtocolEra | null;
  /** True for the deprecated HTTP+SSE transport (`sse` servers), whatever the outcome. */
  transport_deprecated: boolean;
  /** False when the tool list was not asked for (`toolsStillFresh`); `tools` is then empty. */
  tools_listed: boolean;
  /** A modern server's freshness hint for its tool list (ms, capped at 24 h); else null. */
  tools_ttl_ms: number | null;
  /**
   * Every listed tool's whole wire object (secrets removed) with its fingerprint, in listed order;
   * empty when the tools were not listed, null when the listing was the known one (`knownTools`).
   */
  tool_definitions: ToolDefinition[] | null;
  /** The fingerprint of the listed tool set (toolSetFingerprint); null when not listed. */
  tools_fingerprint: string | null;
  /** SHA-256 of the listing as the server sent it; null when not listed. */
  tools_digest: string | null;
}
