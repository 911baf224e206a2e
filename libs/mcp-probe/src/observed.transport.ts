import {
  isJSONRPCRequest,
  isJSONRPCResponse,
  JSONRPCMessage,
  MessageExtraInfo,
  SUPPORTED_PROTOCOL_VERSIONS,
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/client';
import { ProbeBudget } from './probe-budget';
import { ProbeObservations } from './probe-observations';
import type { StdioProcessTransport } from './stdio-process.transport';

/**
 * Wraps the real transport to learn what the SDK client keeps private: whether any JSON-RPC
 * message arrived (MCP server vs. something else), whether the era probe (`server/discover`) was
 * sent and answered, and the moment the client falls back to the 2025 `initialize` handshake. It
 * also asks for the server's declared spec version in `initialize`, since the client always offers
 * its latest. Every message counts against the probe's budget; past it, messages are dropped.
 */
export class ObservedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  discoverSent = false;
  discoverAnswered = false;
  /** The client fell back from the modern probe to `initialize`. */
  legacyFallback = false;
  private readonly probeIds = new Set<string | number>();

  constructor(
    protected readonly inner: Transport,
    private readonly observations: ProbeObservations,
    private readonly budget: ProbeBudget,
    private readonly specVersion?: string,
  ) {}

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  get hasPerRequestStream(): boolean | undefined {
    return this.inner.hasPerRequestStream;
  }

  async start(): Promise<void> {
    this.inner.onmessage = (message, extra) => {
      if (!this.budget.takeMessage()) return;
      this.observations.receivedJsonRpc = true;
      if (isJSONRPCResponse(message) && message.id !== undefined && this.probeIds.has(message.id)) {
        this.discoverAnswered = true;
      }
      this.onmessage?.(message, extra);
    };
    this.inner.onerror = (error) => this.onerror?.(error);
    this.inner.onclose = () => this.onclose?.();
    await this.inner.start();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (isJSONRPCRequest(message)) {
      if (message.method === 'server/discover') {
        this.discoverSent = true;
        this.probeIds.add(message.id);
      } else if (message.method === 'initialize' && this.discoverSent && !this.legacyFallback) {
        this.legacyFallback = true;
        this.fallingBack();
      }
    }
    await this.inner.send(this.withRequestedVersion(message), options);
  }

  async close(): Promise<void> {
    await this.inner.close();
  }

  setProtocolVersion(version: string): void {
    this.observations.protocolVersion = version;
    this.inner.setProtocolVersion?.(version);
  }

  /**
   * The legacy handshake rides the same connection: the probe's refusal (over HTTP a 400 or 404
   * that told the client "not modern") is no verdict on the server, so it is forgotten.
   */
  private fallingBack(): void {
    this.observations.lastHttpFailure = null;
  }

  private withRequestedVersion(message: JSONRPCMessage): JSONRPCMessage {
    const version = this.specVersion;
    if (!version || !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return message;
    if (!isJSONRPCRequest(message) || message.method !== 'initialize') return message;
    return { ...message, params: { ...message.params, protocolVersion: version } };
  }
}

/**
 * The stdio variant. The SDK recognises a stdio transport by `pid` and `stderr`, and on stdio it
 * reads a probe left unanswered (past its timeout) as "legacy server", not as an outage, then
 * sends `initialize` on the same pipe.
 */
export class ObservedStdioTransport extends ObservedTransport {
  readonly stderr = null;

  get pid(): number | undefined {
    return (this.inner as StdioProcessTransport).pid;
  }
}
