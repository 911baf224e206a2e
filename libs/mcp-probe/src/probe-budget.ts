import { ProbeFailure } from './probe-failure.error';

/** How much one probe reads from a server before it gives up on it. */
export interface ProbeLimits {
  /** One HTTP response body, one SSE event or one stdio line. */
  maxMessageBytes: number;
  /** Everything the server sends during one probe, over every response or the child's stdout. */
  maxTotalBytes: number;
  /** JSON-RPC messages received during one probe. */
  maxMessages: number;
}

export const DEFAULT_PROBE_LIMITS: ProbeLimits = {
  maxMessageBytes: 4 * 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024,
  maxMessages: 500,
};

/**
 * The read allowance of one probe. Readers count bytes as they arrive (never after buffering) and
 * report each message; the first limit passed trips the budget once: its signal aborts every
 * request of the probe (closing the sockets), and `exceeded` rejects so the probe answers at once
 * instead of waiting for its deadline.
 */
export class ProbeBudget {
  readonly exceeded: Promise<never>;
  private readonly controller = new AbortController();
  private rejectExceeded!: (failure: ProbeFailure) => void;
  private totalBytes = 0;
  private messages = 0;
  private tripped: ProbeFailure | null = null;

  constructor(readonly limits: ProbeLimits = DEFAULT_PROBE_LIMITS) {
    this.exceeded = new Promise<never>((_resolve, reject) => {
      this.rejectExceeded = reject;
    });
    // Observed through the race in the prober; a budget nobody raced must not warn.
    this.exceeded.catch(() => undefined);
  }

  /** Aborted once the budget trips. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get failure(): ProbeFailure | null {
    return this.tripped;
  }

  /** Counts bytes read from the server; false once the probe's total is passed. */
  takeBytes(bytes: number): boolean {
    if (this.tripped) return false;
    this.totalBytes += bytes;
    if (this.totalBytes > this.limits.maxTotalBytes) {
      this.trip(`the server sent more than ${this.limits.maxTotalBytes} bytes`);
    }
    return !this.tripped;
  }

  /** Checks the size of the message being read so far; false once it is too long. */
  checkMessageBytes(bytes: number): boolean {
    if (this.tripped) return false;
    if (bytes > this.limits.maxMessageBytes) {
      this.trip(`a message was larger than ${this.limits.maxMessageBytes} bytes`);
    }
    return !this.tripped;
  }

  /** Counts one received message; false once there were too many. */
  takeMessage(): boolean {
    if (this.tripped) return false;
    this.messages += 1;
    if (this.messages > this.limits.maxMessages) {
      this.trip(`the server sent more than ${this.limits.maxMessages} messages`);
    }
    return !this.tripped;
  }

  private trip(reason: string): void {
    this.tripped = new ProbeFailure('response_too_large', `response too large: ${reason}`);
    this.controller.abort(this.tripped);
    this.rejectExceeded(this.tripped);
  }
}
