import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { LookupAll } from './http-target.resolver';
import { HttpProbeTransports } from './http-probe.transport';
import { DEFAULT_PROBE_LIMITS, ProbeBudget } from './probe-budget';
import { classifyFailure } from './probe-failure.classifier';
import { ProbeFailure } from './probe-failure.error';
import { ProbeObservations } from './probe-observations';
import { eraOf, failed } from './probe-result';
import { ProbeScope } from './probe.scope';
import { ProbeContext, ProbeSession, ProbeSessions } from './probe-session';
import { ProbePolicy, ProbeResult, ProbeServerInfo, ProbeTarget, ProbeTool } from './probe.types';
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
  toolDefinitions: ToolDefinition[] | null;
  toolsFingerprint: string | null;
  toolsDigest: string | null;
  toolsListed: boolean;
  toolsTtlMs: number | null;
  /** Polite goodbye (ends a streamable HTTP session) run before the probe's sockets are cut. */
  farewell?: () => Promise<unknown>;
}

const FAREWELL_BUDGET_MS = 250;
// Covers the stdio shutdown ladder (stdin close, SIGTERM, SIGKILL) with room to spare.
const CLEANUP_BUDGET_MS = 750;
/**
 * Probes one MCP server for real: connects over its own transport, agrees on a protocol era
 * (modern `server/discover` first, the 2025 `initialize` handshake as the fallback; see
 * ProbeSessions), lists every page of `tools/list`, and reports what happened. Never throws and always answers within the policy's
 * timeout plus a small shutdown slack, having closed every socket and child it opened.
 */
export class McpProber {
  private readonly http: HttpProbeTransports;
  private readonly sessions: ProbeSessions;

  constructor(
    private readonly policy: ProbePolicy,
    options: McpProberOptions = {},
  ) {
    this.http = new HttpProbeTransports(policy, options.lookup);
    this.sessions = new ProbeSessions({
      timeoutMs: policy.timeoutMs,
      stdioAllowlist: policy.stdioAllowlist,
      // Without it a stdio child gets no PATH: commands must then be found some other way.
      stdioBaseEnv: policy.stdioBaseEnv ?? {},
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
          tools_digest: outcome.toolsDigest,
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
        : await this.sessions.http(target, context, await this.http.open(target, context));
    if (scope.closed) throw new ProbeFailure('timeout', 'the probe was cancelled');
    const { client, inner } = session;
    const era = client.getProtocolEra();
    // A modern server's own caching hint may spare a background round the listing; legacy
    // servers give none, and on-demand probes never ask to skip.
    const skipTools = target.toolsStillFresh === true && era === 'modern';
    const listing: ToolListing | null = skipTools
      ? null
      : await listAllTools(
          client,
          this.sessions.requestOptions(context),
          redactor,
          target.knownTools,
        );
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
      toolDefinitions: listing ? listing.definitions : [],
      toolsFingerprint: listing?.fingerprint ?? null,
      toolsDigest: listing?.digest ?? null,
      toolsListed: listing !== null,
      toolsTtlMs: listing?.ttlMs ?? null,
      farewell: sessionTransport?.sessionId ? () => sessionTransport.terminateSession() : undefined,
    };
  }
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
