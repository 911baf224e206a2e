import {
  Client,
  jsonSchemaValidator,
  RequestOptions,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  Transport,
  VersionNegotiationMode,
} from '@modelcontextprotocol/client';
import { ObservedStdioTransport, ObservedTransport } from './observed.transport';
import type { ProbeBudget } from './probe-budget';
import { ProbeFailure } from './probe-failure.error';
import type { ProbeObservations } from './probe-observations';
import type { ProbeScope } from './probe.scope';
import type { ProbeTarget } from './probe.types';
import type { SecretRedactor } from './secret-redactor';
import { StdioProcessTransport } from './stdio-process.transport';

/** What one probe owns and tracks, from start to cleanup. */
export interface ProbeContext {
  scope: ProbeScope;
  observations: ProbeObservations;
  budget: ProbeBudget;
  redactor: SecretRedactor;
  /** Set once the client agreed on a protocol with the server (kept on a later failure). */
  negotiated: Client | null;
}

/** A connected client and the transport under it. */
export interface ProbeSession {
  client: Client;
  inner: Transport;
}

export interface SessionSettings {
  timeoutMs: number;
  stdioAllowlist: readonly string[];
  stdioBaseEnv: Readonly<Record<string, string>>;
}

const CLIENT_INFO = { name: 'mcp-registry-probe', version: '1.0.0' };
// The probe never calls tools, so output schemas need no checking. The SDK default would build an
// Ajv instance per client and compile every schema a server sends: slow, and attack surface.
const SKIP_SCHEMA_VALIDATION: jsonSchemaValidator = {
  getValidator: () => (input) => ({ valid: true, data: input as never, errorMessage: undefined }),
};
/**
 * On stdio silence is how some legacy servers answer a method they do not know, so the modern
 * probe waits at most this share of the probe's timeout before `initialize` is sent after it.
 */
const STDIO_DISCOVER_SHARE = 0.5;

/**
 * Opens the MCP session of one probe, era by era. Streamable HTTP and stdio servers are asked in
 * the modern protocol first (`server/discover`, 2026-07-28); the SDK falls back to the 2025-era
 * `initialize` only when the answer says the server does not speak it: over HTTP a refusal
 * without a modern JSON-RPC error in its body, over stdio any error that is not a modern one, or
 * silence. The legacy handshake then follows on the same connection, except on stdio when the
 * server exited (or closed its pipes) over the probe: it is started afresh for `initialize`, as
 * the spec asks. (A fresh start for every legacy stdio server, as the SDK's own stdio transport
 * does, would pay a second start-up per probe, seconds for an `npx` server.) `sse` servers speak
 * the deprecated HTTP+SSE transport, which predates the modern era: plain legacy handshake.
 */
export class ProbeSessions {
  constructor(private readonly settings: SessionSettings) {}

  async http(
    target: ProbeTarget,
    context: ProbeContext,
    transport: SSEClientTransport | StreamableHTTPClientTransport,
  ): Promise<ProbeSession> {
    const observed = new ObservedTransport(
      transport,
      context.observations,
      context.budget,
      target.specVersion,
    );
    const mode = transport instanceof SSEClientTransport ? 'legacy' : 'auto';
    // Over HTTP silence is an outage, never an era verdict: the probe's deadline governs.
    const client = await this.connect(observed, mode, this.settings.timeoutMs + 1_000, context);
    return { client, inner: transport };
  }

  async stdio(target: ProbeTarget, context: ProbeContext): Promise<ProbeSession> {
    const first = this.stdioTransport(target, context);
    const observed = new ObservedStdioTransport(first, context.observations, context.budget);
    const discoverMs = Math.max(1, Math.floor(this.settings.timeoutMs * STDIO_DISCOVER_SHARE));
    try {
      return { client: await this.connect(observed, 'auto', discoverMs, context), inner: first };
    } catch (error) {
      const legacy =
        observed.legacyFallback || (observed.discoverSent && !observed.discoverAnswered);
      if (!legacy || context.scope.closed || context.budget.failure) throw error;
    }
    void first.close();
    context.observations.forgetStdio();
    if (context.scope.closed) throw new ProbeFailure('timeout', 'the probe was cancelled');
    const second = this.stdioTransport(target, context);
    const restarted = new ObservedTransport(second, context.observations, context.budget);
    return { client: await this.connect(restarted, 'legacy', 0, context), inner: second };
  }

  private async connect(
    transport: ObservedTransport,
    mode: VersionNegotiationMode,
    discoverMs: number,
    context: ProbeContext,
  ): Promise<Client> {
    const client = new Client(CLIENT_INFO, {
      capabilities: {},
      jsonSchemaValidator: SKIP_SCHEMA_VALIDATION,
      versionNegotiation: { mode, probe: { timeoutMs: discoverMs } },
    });
    // Transport hiccups also surface as rejected requests; the observations keep the detail.
    client.onerror = () => undefined;
    context.scope.defer(() => client.close());
    await client.connect(transport, this.requestOptions(context));
    context.negotiated = client;
    return client;
  }

  /** The deadline in McpProber governs; the SDK's per-request timer is only a later backstop. */
  requestOptions(context: ProbeContext): RequestOptions {
    return { signal: context.scope.signal, timeout: this.settings.timeoutMs + 1_000 };
  }

  private stdioTransport(target: ProbeTarget, context: ProbeContext): StdioProcessTransport {
    const transport = new StdioProcessTransport(
      {
        command: target.command!,
        args: target.args ?? [],
        env: target.env ?? {},
        baseEnv: this.settings.stdioBaseEnv,
        allowlist: this.settings.stdioAllowlist,
      },
      context.observations,
      context.budget,
    );
    context.scope.defer(() => transport.close());
    return transport;
  }
}
