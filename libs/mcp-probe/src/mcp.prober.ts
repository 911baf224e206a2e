import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { LookupAll, resolveHttpTarget } from './http-target.resolver';
import { ObservedTransport } from './observed.transport';
import { PinnedHttpClient } from './pinned-http.client';
import { DEFAULT_PROBE_LIMITS, ProbeBudget } from './probe-budget';
import { classifyFailure } from './probe-failure.classifier';
import { ProbeFailure } from './probe-failure.error';
import { ProbeObservations } from './probe-observations';
import { ProbeScope } from './probe.scope';
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
import { StdioProcessTransport } from './stdio-process.transport';
import { boundedServerInfo, listAllTools } from './tool-listing';

export interface McpProberOptions {
  /** Resolves a host name to all its addresses; tests replace it to exercise address pinning. */
  lookup?: LookupAll;
}

/** What one probe owns and tracks, from start to cleanup. */
interface ProbeContext {
  scope: ProbeScope;
  observations: ProbeObservations;
  budget: ProbeBudget;
  redactor: SecretRedactor;
}

interface Exchange {
  latencyMs: number;
  serverInfo: ProbeServerInfo;
  tools: ProbeTool[];
  /** Polite goodbye (ends a streamable HTTP session) run before the probe's sockets are cut. */
  farewell?: () => Promise<unknown>;
}

const CLIENT_INFO = { name: 'mcp-registry-probe', version: '1.0.0' };
// The probe never calls tools, so output schemas need no checking. The SDK default would build an
// Ajv instance per client and compile every schema a server sends: slow, and attack surface.
const SKIP_SCHEMA_VALIDATION: jsonSchemaValidator = {
  getValidator: () => (input) => ({ valid: true, data: input as never, errorMessage: undefined }),
};
const FAREWELL_BUDGET_MS = 250;
// Covers the stdio shutdown ladder (stdin close, SIGTERM, SIGKILL) with room to spare.
const CLEANUP_BUDGET_MS = 750;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const UNSAFE_VALUE = /[\r\n\0]/;
// Headers the transport or the HTTP client must own: letting a stored value set them would
// break framing, sessions or the pinned Host.
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
]);

/**
 * Probes one MCP server for real: connects over its own transport, runs `initialize` and
 * `tools/list`, and reports what happened. Never throws and always answers within the policy's
 * timeout plus a small shutdown slack, having closed every socket and child it opened.
 */
export class McpProber {
  private readonly ca: string[] | undefined;
  private readonly lookup: LookupAll | undefined;

  constructor(
    private readonly policy: ProbePolicy,
    options: McpProberOptions = {},
  ) {
    // Read once: a missing CA file is a configuration error, better reported at start-up.
    this.ca = policy.caFile
      ? [...rootCertificates, readFileSync(policy.caFile, 'utf8')]
      : undefined;
    this.lookup = options.lookup;
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
    };
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
        result = failed('timeout', `timed out after ${timeoutMs} ms`);
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
        };
      }
    } catch (error) {
      const { kind, message } = classifyFailure(error, context.observations, context.redactor);
      // Fixed wordings too: some name a header or variable, never meant to carry a value.
      result = failed(kind, context.redactor.redact(message));
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
    const { scope, observations, budget, redactor } = context;
    const inner =
      target.transport === 'stdio'
        ? this.stdioTransport(target, context)
        : await this.httpTransport(target, context);
    if (scope.closed) throw new ProbeFailure('timeout', 'the probe was cancelled');

    const client = new Client(CLIENT_INFO, {
      capabilities: {},
      jsonSchemaValidator: SKIP_SCHEMA_VALIDATION,
    });
    // Transport hiccups also surface as rejected requests; the observations keep the detail.
    client.onerror = () => undefined;
    scope.defer(() => client.close());
    // The deadline in run() governs; the SDK's per-request timer is only a later backstop.
    const options: RequestOptions = {
      signal: scope.signal,
      timeout: this.policy.timeoutMs + 1_000,
    };

    const observed = new ObservedTransport(inner, observations, budget, target.specVersion);
    await client.connect(observed, options);
    const tools = await listAllTools(client, options, redactor);
    const latencyMs = Math.max(1, Math.ceil(performance.now() - started));
    const sessionTransport = inner instanceof StreamableHTTPClientTransport ? inner : null;
    return {
      latencyMs,
      serverInfo: boundedServerInfo(
        client.getServerVersion(),
        observations.protocolVersion,
        redactor,
      ),
      tools,
      farewell: sessionTransport?.sessionId ? () => sessionTransport.terminateSession() : undefined,
    };
  }

  private stdioTransport(
    target: ProbeTarget,
    { scope, observations, budget }: ProbeContext,
  ): Transport {
    const transport = new StdioProcessTransport(
      {
        command: target.command!,
        args: target.args ?? [],
        env: target.env ?? {},
        allowlist: this.policy.stdioAllowlist,
      },
      observations,
      budget,
    );
    scope.defer(() => transport.close());
    return transport;
  }

  private async httpTransport(
    target: ProbeTarget,
    { scope, observations, budget }: ProbeContext,
  ): Promise<Transport> {
    const headers = checkedHeaders(target.headers);
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
    const requestInit = { headers };
    if (target.transport === 'sse') {
      return new SSEClientTransport(resolved.url, { fetch: http.fetch, requestInit });
    }
    return new StreamableHTTPClientTransport(resolved.url, {
      fetch: http.fetch,
      requestInit,
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

function failed(kind: ProbeErrorKind, message: string): ProbeResult {
  return {
    ok: false,
    status: kind === 'stdio_disabled' ? 'unknown' : 'unhealthy',
    latency_ms: null,
    server_info: null,
    tools: [],
    error: message,
    error_kind: kind,
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
