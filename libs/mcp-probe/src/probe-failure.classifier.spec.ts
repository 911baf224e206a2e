import {
  ProtocolError,
  ProtocolErrorCode,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  SseError,
  UnsupportedProtocolVersionError,
} from '@modelcontextprotocol/client';
import { classifyFailure } from './probe-failure.classifier';
import { SecretRedactor } from './secret-redactor';
import { ProbeFailure } from './probe-failure.error';
import { ProbeObservations } from './probe-observations';

describe('classifyFailure', () => {
  const fresh = (): ProbeObservations => new ProbeObservations();

  it('keeps the kind and wording of a ProbeFailure', () => {
    expect(classifyFailure(new ProbeFailure('target_refused', 'nope'), fresh())).toEqual({
      kind: 'target_refused',
      message: 'nope',
    });
  });

  const http = (status: number, text?: string): SdkHttpError =>
    new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, 'x', { status, text });

  it('maps HTTP statuses', () => {
    expect(classifyFailure(http(401), fresh())).toEqual({
      kind: 'credentials_rejected',
      message: 'credentials were rejected by the server (HTTP 401)',
    });
    expect(classifyFailure(http(403), fresh()).kind).toBe('credentials_rejected');
    expect(classifyFailure(http(404, 'not found'), fresh()).kind).toBe('not_mcp');
    expect(classifyFailure(http(503), fresh()).kind).toBe('unreachable');
    expect(classifyFailure(http(500), fresh()).kind).toBe('protocol_error');
    // The era probe's refusals carry the status too.
    const refused = new SdkHttpError(SdkErrorCode.ClientHttpAuthentication, 'x', { status: 401 });
    expect(classifyFailure(refused, fresh()).kind).toBe('credentials_rejected');
    expect(classifyFailure(new SseError(404, 'x', {} as never), fresh()).kind).toBe('not_mcp');
  });

  it('classifies the JSON-RPC error in an HTTP refusal, not "no MCP endpoint"', () => {
    const body = (code: number, message: string, data?: unknown): string =>
      JSON.stringify({ jsonrpc: '2.0', id: 0, error: { code, message, data } });
    expect(
      classifyFailure(
        http(400, body(-32022, 'Unsupported protocol version', { supported: ['2027-01-01'] })),
        fresh(),
      ),
    ).toEqual({
      kind: 'protocol_error',
      message:
        'the server supports none of the protocol versions the probe speaks; it offers 2027-01-01 (HTTP 400)',
    });
    expect(classifyFailure(http(400, body(-32020, 'mismatch')), fresh())).toEqual({
      kind: 'protocol_error',
      message: 'the server found the request headers and body in disagreement (HTTP 400)',
    });
    expect(classifyFailure(http(400, body(-32021, 'capability')), fresh()).message).toBe(
      'the server requires a client capability the probe does not have (HTTP 400)',
    );
    expect(classifyFailure(http(404, body(-32601, 'Method not found')), fresh())).toEqual({
      kind: 'protocol_error',
      message: 'server returned MCP error -32601 (HTTP 404): Method not found',
    });
    // Credentials stay credentials whatever the body says.
    expect(classifyFailure(http(401, body(-32001, 'no')), fresh()).kind).toBe(
      'credentials_rejected',
    );
  });

  it('classifies modern JSON-RPC errors and SDK failures', () => {
    const unsupported = new UnsupportedProtocolVersionError({
      supported: ['2027-01-01', '2027-06-01'],
      requested: '2026-07-28',
    });
    expect(classifyFailure(unsupported, fresh()).message).toBe(
      'the server supports none of the protocol versions the probe speaks; it offers 2027-01-01, 2027-06-01',
    );
    expect(
      classifyFailure(new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out'), fresh()),
    ).toEqual({ kind: 'timeout', message: 'the server did not answer in time' });
    expect(
      classifyFailure(new SdkError(SdkErrorCode.ConnectionClosed, 'Connection closed'), fresh()),
    ).toEqual({ kind: 'protocol_error', message: 'the server closed the connection' });
    const outage = new SdkError(
      SdkErrorCode.EraNegotiationFailed,
      'Version negotiation probe failed: fetch failed',
      undefined,
      { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) },
    );
    expect(classifyFailure(outage, fresh())).toEqual({
      kind: 'unreachable',
      message: 'connection refused',
    });
  });

  it('finds socket error codes through fetch error causes', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(classifyFailure(refused, fresh())).toEqual({
      kind: 'unreachable',
      message: 'connection refused',
    });
    const observations = fresh();
    observations.networkError = new TypeError('fetch failed', {
      cause: Object.assign(new Error('socket hang up'), { code: 'UND_ERR_SOCKET' }),
    });
    expect(classifyFailure(new Error('SSE error: fetch failed'), observations)).toEqual({
      kind: 'unreachable',
      message: 'connection reset by the server',
    });
  });

  it('tells a non-MCP answer from a malformed MCP one', () => {
    const observations = fresh();
    observations.foreignContentType = 'text/html';
    expect(classifyFailure(new Error('whatever'), observations)).toEqual({
      kind: 'not_mcp',
      message: 'the server answered with text/html, not MCP JSON-RPC',
    });
    const mcp = fresh();
    mcp.receivedJsonRpc = true;
    expect(classifyFailure(new SyntaxError('Unexpected token <'), mcp).kind).toBe('protocol_error');
  });

  it('reports MCP errors without the secrets a server may echo', () => {
    const error = new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      'bad token Bearer s3cr3t-value',
    );
    const redactor = SecretRedactor.forTarget({
      headers: { Authorization: 'Bearer s3cr3t-value' },
    });
    const result = classifyFailure(error, fresh(), redactor);
    expect(result.kind).toBe('protocol_error');
    expect(result.message).toBe('server returned MCP error -32602: bad token [redacted]');
  });

  it('shortens the detail of a long MCP error', () => {
    const error = new ProtocolError(ProtocolErrorCode.InternalError, 'x'.repeat(5_000));
    const { message } = classifyFailure(error, fresh());
    expect(message).toBe(`server returned MCP error -32603: ${'x'.repeat(200)}…`);
  });

  it('explains a stdio server that exited', () => {
    const observations = fresh();
    observations.stdioExit = { code: 3, signal: null };
    expect(classifyFailure(new Error('Connection closed'), observations)).toEqual({
      kind: 'unreachable',
      message: 'the stdio server exited with code 3 before answering',
    });
    observations.stdioGarbage = true;
    expect(classifyFailure(new Error('Connection closed'), observations).kind).toBe('not_mcp');
  });
});
