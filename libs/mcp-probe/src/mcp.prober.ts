import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { LookupAll, resolveHttpTarget } from './http-target.resolver';
import { PinnedHttpClient } from './pinned-http.client';
import { DEFAULT_PROBE_LIMITS, ProbeBudget } from './probe-budget';
import { CredentialedFetch, staticCredentials } from './probe-credentials';
import { classifyFailure } from './probe-failure.classifier';
import { ProbeFailure } from './probe-failure.error';
import { ProbeObservations } from './probe-observations';
import { ProbeScope } from './probe.scope';
import { ProbeContext, ProbeSession, ProbeSessions } from './probe-session';
import {
  ProbeErrorKind,
  ProbePolicy,
  ProbeResult,
  ProbeServerInfo,
  ProbeTarget,
  ProbeTool,
} from './probe.types';
import { SecretRedactor } from './secret-redactor';
import { stdioLaunchProblems } from './stdio-launch.policy';
import type { ToolDefinition } from './tool-fingerprint';
import { boundedServerInfo, listAllTools, ToolListing } from './tool-listing';

export interface McpProberOptions {
  /** Resolves a host name to all its addresses; tests replace it to exercise address pinning. */
  lookup?: LookupAll;
}

interface Exchange {
  latencyMs: number;
  serverInfo: ProbeServerInfo;
  tools: ProbeTool[];
  toolDefinitions: ToolDefinition[];
  toolsFingerprint: string | null;
  toolsListed: boolean;
  toolsTtlMs: number | null;
  /** Polite goodbye (ends a streamable HTTP session) run before the probe's sockets are cut. */
  farewell?: () => Promise<unknown>;
}

const FAREWELL_BUDGET_MS = 250;
// Covers the stdio shutdown ladder (stdin close, SIGTERM, SIGKILL) with room to spare.
const CLEANUP_BUDGET_MS = 750;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const UNSAFE_VALUE = /[\r\n\0]/;
// Headers the transport or the HTTP client must own: letting a stored value set them would
// break framing, sessions, era negotiation or the pinned Host.
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'mcp-session-id',
  'mcp-protocol-version',
  'mcp-method',
  'mcp-name',
]);

/**
 * Probes one MCP server for real: connects over its own transport, agrees on a protocol era
 * (modern `server/discover` first, the 2025 `initialize` handshake as the fallback; see
 * ProbeSessions), lists every page of `tools/list`, and reports what happened. Never throws and always answers within the policy's
 * timeout plus a small shutdown slack, having closed every socket and child it opened.
 */
export class McpProber {
  private readonly ca: string[] | undefined;
  private readonly lookup: LookupAll | undefined;
  private readonly sessions: ProbeSessions;

  constructor(
    private readonly policy: ProbePolicy,
    options: McpProberOptions = {},
  ) {
    // Read once: a missing CA file is a configuration error, better reported at start-up.
    this.ca = policy.caFile
      ? [...rootCertificates, readFileSync(policy.caFile, 'utf8')]
      : undefined;
    this.lookup = options.lookup;
    this.sessions = new ProbeSessions({
      timeoutMs: policy.timeoutMs,
      stdioAllowlist: policy.stdioAllowlist,
    });
  }

  async probe(target: ProbeTarget): Promise<ProbeResult> {
    try {
      return await this.run(target);
    } catch {
      return failed('protocol_error', 'the probe failed unexpectedly');
    }
  }

  private async run(target: ProbeTarget): Promise<ProbeResult> {
    const transport = target.transport === 'http' ? 'streamable_http' : target.transport;
    if (transport === 'stdio') {
      const refusal = this.stdioRefusal(target);
      if (refusal) return refusal;
    } else if (transport !== 'sse' && transport !== 'streamable_http') {
      return failed('target_refused', `transport ${String(target.transport)} is not supported`);
    }

    const timeoutMs = this.policy.timeoutMs;
    const started = performance.now();
    const context: ProbeContext = {
      scope: new ProbeScope(),
      observations: new ProbeObservations(),
      budget: new ProbeBudget(this.policy.limits ?? DEFAULT_PROBE_LIMITS),
      // Built from everything the probe sends, applied to everything it reports.
      redactor: SecretRedactor.forTarget(target),
      negotiated: null,
    };
    const deprecated = transport === 'sse';
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const work = this.exchange(target, context, started);
    // The race may be lost to the deadline; the work then fails on the aborted scope, unobserved.
    work.catch(() => undefined);

    let result: ProbeResult;
    let farewell: (() => Promise<unknown>) | undefined;
    try {
      // A server past the read budget fails the probe at once, not at the deadline.
      const outcome = await Promise.race([work, deadline, context.budget.exceeded]);
      if (outcome === 'timeout') {
        result = failed('timeout', `timed out after ${timeoutMs} ms`, context, deprecated);
      } else {
        farewell = outcome.farewell;
        result = {
          ok: true,
          status: 'healthy',
          latency_ms: outcome.latencyMs,
          server_info: outcome.serverInfo,
          tools: outcome.tools,
          error: null,
          error_kind: null,
          ...eraOf(context, deprecated),
          tools_listed: outcome.toolsListed,
          tools_ttl_ms: outcome.toolsTtlMs,
          tool_definitions: outcome.toolDefinitions,
          tools_fingerprint: outcome.toolsFingerprint,
        };
      }
    } catch (error) {
      const { kind, message } = classifyFailure(error, context.observations, context.redactor);
      // Fixed wordings too: some name a header or variable, never meant to carry a value.
      result = failed(kind, context.redactor.redact(message), context, deprecated);
    } finally {
      clearTimeout(timer);
    }
    if (farewell) await withinBudget(farewell, FAREWELL_BUDGET_MS);
    await context.scope.dispose(CLEANUP_BUDGET_MS);
    return result;
  }

  private stdioRefusal(target: ProbeTarget): ProbeResult | null {
    if (!this.policy.stdioEnabled) {
      return failed('stdio_disabled', 'stdio servers are not probed: stdio probing is disabled');
    }
    // Rows stored before a rule existed (or written around the API) are checked here too.
    const [problem] = stdioLaunchProblems(
      target.command,
      target.env ?? {},
      this.policy.stdioAllowlist,
    );
    if (problem?.kind === 'not_allowed') {
      return failed(
        'stdio_disabled',
        `stdio command "${target.command}" is not in the stdio allowlist`,
      );
    }
    if (problem) return failed('target_refused', `stdio ${problem.field} ${problem.message}`);
    if (target.args !== undefined && !isStringArray(target.args)) {
      return failed('target_refused', 'the stdio arguments must be strings');
    }
    return null;
  }

  private async exchange(
    target: ProbeTarget,
    context: ProbeContext,
    started: number,
  ): Promise<Exchange> {
    const { scope, observations, redactor } = context;
    const session: ProbeSession =
      target.transport === 'stdio'
        ? await this.sessions.stdio(target, context)
        : await this.sessions.http(target, context, await this.httpTransport(target, context));
    if (scope.closed) throw new ProbeFailure('timeout', 'the probe was cancelled');
    const { client, inner } = session;
    const era = client.getProtocolEra();
    // A modern server's own caching hint may spare a background round the listing; legacy
    // servers give none, and on-demand probes never ask to skip.
    const skipTools = target.toolsStillFresh === true && era === 'modern';
    const listing: ToolListing | null = skipTools
      ? null
      : await listAllTools(client, this.sessions.requestOptions(context), redactor);
    const latencyMs = Math.max(1, Math.ceil(performance.now() - started));
    const sessionTransport = inner instanceof StreamableHTTPClientTransport ? inner : null;
    return {
      latencyMs,
      serverInfo: boundedServerInfo(
        client.getServerVersion(),
        client.getNegotiatedProtocolVersion() ?? observations.protocolVersion,
        redactor,
      ),
      tools: listing?.tools ?? [],
      toolDefinitions: listing?.definitions ?? [],
      toolsFingerprint: listing?.fingerprint ?? null,
      toolsListed: listing !== null,
      toolsTtlMs: listing?.ttlMs ?? null,
      farewell: sessionTransport?.sessionId ? () => sessionTransport.terminateSession() : undefined,
    };
  }

  private async httpTransport(
    target: ProbeTarget,
    context: ProbeContext,
  ): Promise<SSEClientTransport | StreamableHTTPClientTransport> {
    const { scope, observations, budget, redactor } = context;
    const accept = (headers: Record<string, string>): Record<string, string> => {
      const checked = checkedHeaders(headers);
      redactor.learnHeaders(checked);
      return checked;
    };
    const credentials = target.credentials ?? staticCredentials(target.headers);
    // Checked before anything is resolved or sent: a refused header sends nothing at all.
    const headers = accept(await credentials.headers());
    const resolved = await resolveHttpTarget(target.url, this.policy, this.lookup);
    if (scope.closed) throw new ProbeFailure('timeout', 'the probe was cancelled');
    const http = new PinnedHttpClient(resolved, {
      ca: resolved.url.protocol === 'https:' ? this.ca : undefined,
      connectTimeoutMs: this.policy.timeoutMs,
      signal: scope.signal,
      observations,
      budget,
    });
    scope.defer(() => http.destroy());
    const { fetch } = new CredentialedFetch(http.fetch, credentials, headers, accept, observations);
    if (target.transport === 'sse') return new SSEClientTransport(resolved.url, { fetch });
    return new StreamableHTTPClientTransport(resolved.url, {
      fetch,
      // A probe is one short exchange: reconnecting a dropped stream would only outlive it.
      reconnectionOptions: {
        maxRetries: 0,
        initialReconnectionDelay: 1_000,
        maxReconnectionDelay: 1_000,
        reconnectionDelayGrowFactor: 1,
      },
    });
  }
}

function checkedHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new ProbeFailure('target_refused', `header "${name}" may not be set`);
    }
    if (typeof value !== 'string' || UNSAFE_VALUE.test(value)) {
      throw new ProbeFailure('target_refused', `header "${name}" has an invalid value`);
    }
    result[name] = value;
  }
  return result;
}

function failed(
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
  };
}

/** What the probe learnt of the protocol, even when it failed after agreeing on one. */
function eraOf(
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

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

async function withinBudget(task: () => Promise<unknown>, budgetMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, budgetMs);
  });
  try {
    await Promise.race([task().catch(() => undefined), budget]);
  } finally {
    clearTimeout(timer);
  }
}
