import type {
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isJSONRPCRequest,
  JSONRPCMessage,
  MessageExtraInfo,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/sdk/types.js';
import { ProbeBudget } from './probe-budget';
import { ProbeObservations } from './probe-observations';

/**
 * Wraps the real transport to learn what the SDK client keeps private: whether any JSON-RPC
 * message arrived (MCP server vs. something else) and the negotiated protocol version. It also
 * asks for the server's declared spec version, since the client always offers its latest. Every
 * message counts against the probe's budget; past it, messages are dropped (the probe has failed).
 */
export class ObservedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  constructor(
    private readonly inner: Transport,
    private readonly observations: ProbeObservations,
    private readonly budget: ProbeBudget,
    private readonly specVersion?: string,
  ) {}

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  async start(): Promise<void> {
    this.inner.onmessage = (message, extra) => {
      if (!this.budget.takeMessage()) return;
      this.observations.receivedJsonRpc = true;
      this.onmessage?.(message, extra);
    };
    this.inner.onerror = (error) => this.onerror?.(error);
    this.inner.onclose = () => this.onclose?.();
    await this.inner.start();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    await this.inner.send(this.withRequestedVersion(message), options);
  }

  async close(): Promise<void> {
    await this.inner.close();
  }

  setProtocolVersion(version: string): void {
    this.observations.protocolVersion = version;
    this.inner.setProtocolVersion?.(version);
  }

  private withRequestedVersion(message: JSONRPCMessage): JSONRPCMessage {
    const version = this.specVersion;
    if (!version || !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return message;
    if (!isJSONRPCRequest(message) || message.method !== 'initialize') return message;
    return { ...message, params: { ...message.params, protocolVersion: version } };
  }
}
