import type { ProbeLimits } from './probe-budget';

/** `http` is an alias of `streamable_http`: registries use both names for the same transport. */
export type ProbeTransport = 'sse' | 'http' | 'streamable_http' | 'stdio';

export interface ProbeTarget {
  transport: ProbeTransport;
  url?: string;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  headers?: Record<string, string>;
  /** MCP protocol version to ask for in `initialize`; the server may still answer with another. */
  specVersion?: string;
}

export interface ProbePolicy {
  timeoutMs: number;
  allowLoopback: boolean;
  denyPrivateNetworks: boolean;
  stdioEnabled: boolean;
  stdioAllowlist: string[];
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
}
