import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
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

  it('maps HTTP statuses', () => {
    expect(classifyFailure(new StreamableHTTPError(401, 'x'), fresh())).toEqual({
      kind: 'credentials_rejected',
      message: 'credentials were rejected by the server (HTTP 401)',
    });
    expect(classifyFailure(new StreamableHTTPError(403, 'x'), fresh()).kind).toBe(
      'credentials_rejected',
    );
    expect(classifyFailure(new StreamableHTTPError(404, 'x'), fresh()).kind).toBe('not_mcp');
    expect(classifyFailure(new StreamableHTTPError(503, 'x'), fresh()).kind).toBe('unreachable');
    expect(classifyFailure(new StreamableHTTPError(500, 'x'), fresh()).kind).toBe('protocol_error');
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
    const error = new McpError(ErrorCode.InvalidParams, 'bad token Bearer s3cr3t-value');
    const redactor = SecretRedactor.forTarget({
      headers: { Authorization: 'Bearer s3cr3t-value' },
    });
    const result = classifyFailure(error, fresh(), redactor);
    expect(result.kind).toBe('protocol_error');
    expect(result.message).toBe('server returned MCP error -32602: bad token [redacted]');
  });

  it('shortens the detail of a long MCP error', () => {
    const error = new McpError(ErrorCode.InternalError, 'x'.repeat(5_000));
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
