export interface HttpFailure {
  method: string;
  status: number;
}

/**
 * What one probe saw on the wire. SDK errors often lose the cause (the SSE client reduces a
 * refused connection to an error event), so classification leans on these facts instead.
 */
export class ProbeObservations {
  lastHttpFailure: HttpFailure | null = null;
  /** Content type of a successful HTTP answer that no MCP transport would send. */
  foreignContentType: string | null = null;
  networkError: unknown = null;
  receivedJsonRpc = false;
  protocolVersion: string | null = null;
  stdioExit: { code: number | null; signal: string | null } | null = null;
  stdioGarbage = false;

  /** A restarted stdio server starts with a clean slate: what the first process did is moot. */
  forgetStdio(): void {
    this.stdioExit = null;
    this.stdioGarbage = false;
    this.receivedJsonRpc = false;
  }

  recordResponse(method: string, status: number, contentType: string | null): void {
    if (status >= 400) {
      // A GET answered 405 only means the server offers no standalone stream, which is fine.
      if (!(method === 'GET' && status === 405)) this.lastHttpFailure = { method, status };
      return;
    }
    if (status >= 200 && status < 300 && status !== 202 && status !== 204) {
      const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
      const expected =
        method === 'GET' ? ['text/event-stream'] : ['application/json', 'text/event-stream'];
      if (!expected.includes(type)) this.foreignContentType = type || '(none)';
    }
  }
}
