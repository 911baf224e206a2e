import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  JSONRPCMessage,
  MessageExtraInfo,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js';

interface Pending {
  originalId: RequestId;
  resolve: (message: JSONRPCMessage) => void;
}

/**
 * Lets one long-lived SDK `Server` answer many independent HTTP exchanges. Request ids are
 * swapped for unique internal ones so concurrent clients (all counting from 0) cannot collide,
 * and each answer goes back to the HTTP request that asked. Far cheaper per request than a fresh
 * server and streamable transport, which is what a 1,000-server benchmark needs.
 */
export class McpBridgeTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  private nextId = 0;
  private readonly pending = new Map<RequestId, Pending>();

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.pending.clear();
    this.onclose?.();
  }

  /** The server's answer to a request, or null for a notification (HTTP 202). */
  exchange(message: JSONRPCMessage): Promise<JSONRPCMessage | null> {
    if (!isJSONRPCRequest(message)) {
      this.onmessage?.(message);
      return Promise.resolve(null);
    }
    const internalId = `bridge-${this.nextId++}`;
    return new Promise((resolve) => {
      this.pending.set(internalId, { originalId: message.id, resolve });
      this.onmessage?.({ ...message, id: internalId });
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    // Server-initiated requests and notifications have nowhere to go in stateless HTTP.
    if (!isJSONRPCResultResponse(message) && !isJSONRPCErrorResponse(message)) return;
    const id = message.id;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id!);
    pending.resolve({ ...message, id: pending.originalId });
  }
}
