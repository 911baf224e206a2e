import {
  ProtocolError,
  ProtocolErrorCode,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
} from '@modelcontextprotocol/client';
import { ProbeFailure } from './probe-failure.error';
import { ProbeObservations } from './probe-observations';
import { ProbeErrorKind } from './probe.types';
import { SecretRedactor } from './secret-redactor';

export interface ClassifiedFailure {
  kind: ProbeErrorKind;
  message: string;
}

const MAX_DETAIL = 200;
const NO_SECRETS = new SecretRedactor([]);
const REFUSED = new Set(['ECONNREFUSED']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'ENODATA']);
const NO_ROUTE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);
const SLOW = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const TLS = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_OSSL_)/;
/** 2026-07-28: an `Mcp-*` header disagreed with the body (SEP-2243's HEADER_MISMATCH). */
const HEADER_MISMATCH = -32020;

/**
 * Turns whatever a failed probe threw into a kind and a message fit for users. SDK messages can
 * quote server answers, so only fixed wording or redacted, shortened text leaves this function.
 */
export function classifyFailure(
  error: unknown,
  observations: ProbeObservations,
  redactor: SecretRedactor = NO_SECRETS,
): ClassifiedFailure {
  if (error instanceof ProbeFailure) return { kind: error.kind, message: error.message };

  const status = httpStatusOf(error);
  if (status !== null) {
    // An MCP server (modern ones especially) says why in a JSON-RPC error body: that is an
    // answer of an MCP endpoint, never "no MCP endpoint here".
    const rpc = status < 500 && status !== 401 && status !== 403 ? rpcErrorInBody(error) : null;
    return rpc ? fromRpcError(rpc, redactor, status) : fromHttpStatus(status, observations);
  }

  const code = networkCodeOf(error);
  if (code !== null) return fromNetworkCode(code);

  if (observations.stdioExit) return fromStdioExit(observations);

  if (error instanceof ProtocolError) return fromRpcError(error, redactor);
  if (error instanceof SdkError) {
    const known = fromSdkError(error);
    if (known) return known;
  }

  if (looksMalformed(error) || (observations.foreignContentType && !observations.receivedJsonRpc)) {
    return malformed(observations);
  }

  if (observations.lastHttpFailure) {
    return fromHttpStatus(observations.lastHttpFailure.status, observations);
  }
  const observedCode = networkCodeOf(observations.networkError);
  if (observedCode !== null) return fromNetworkCode(observedCode);

  const detail = redactor.redact(isErrorLike(error) ? error.message : String(error), MAX_DETAIL);
  return { kind: 'protocol_error', message: `MCP exchange failed: ${detail}` };
}

function fromHttpStatus(status: number, observations: ProbeObservations): ClassifiedFailure {
  if (status === 401 || status === 403) {
    return {
      kind: 'credentials_rejected',
      message: `credentials were rejected by the server (HTTP ${status})`,
    };
  }
  if (status === 502 || status === 503 || status === 504) {
    return { kind: 'unreachable', message: `server is unavailable (HTTP ${status})` };
  }
  if (status >= 500) {
    return { kind: 'protocol_error', message: `server failed with HTTP ${status}` };
  }
  if (observations.receivedJsonRpc) {
    return {
      kind: 'protocol_error',
      message: `server rejected an MCP request with HTTP ${status}`,
    };
  }
  return {
    kind: 'not_mcp',
    message: `server answered HTTP ${status}; no MCP endpoint at this URL`,
  };
}

function fromNetworkCode(code: string): ClassifiedFailure {
  if (REFUSED.has(code)) return { kind: 'unreachable', message: 'connection refused' };
  if (RESET.has(code)) return { kind: 'unreachable', message: 'connection reset by the server' };
  if (DNS.has(code)) return { kind: 'unreachable', message: 'could not resolve the host name' };
  if (NO_ROUTE.has(code)) return { kind: 'unreachable', message: `no route to the host (${code})` };
  if (SLOW.has(code)) return { kind: 'timeout', message: `the server did not answer (${code})` };
  if (TLS.test(code)) return { kind: 'unreachable', message: `TLS connection failed (${code})` };
  return { kind: 'unreachable', message: `connection failed (${code})` };
}

function fromStdioExit(observations: ProbeObservations): ClassifiedFailure {
  if (observations.stdioGarbage && !observations.receivedJsonRpc) {
    return { kind: 'not_mcp', message: 'the stdio command did not speak MCP JSON-RPC' };
  }
  const { code, signal } = observations.stdioExit!;
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return observations.receivedJsonRpc
    ? { kind: 'protocol_error', message: `the stdio server ${how} during the MCP exchange` }
    : { kind: 'unreachable', message: `the stdio server ${how} before answering` };
}

function fromSdkError(error: SdkError): ClassifiedFailure | null {
  if (error.code === SdkErrorCode.RequestTimeout) {
    return { kind: 'timeout', message: 'the server did not answer in time' };
  }
  if (error.code === SdkErrorCode.ConnectionClosed) {
    return { kind: 'protocol_error', message: 'the server closed the connection' };
  }
  return null;
}

interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}

function fromRpcError(
  error: RpcError,
  redactor: SecretRedactor,
  status?: number,
): ClassifiedFailure {
  const how = status === undefined ? '' : ` (HTTP ${status})`;
  if (error.code === ProtocolErrorCode.UnsupportedProtocolVersion) {
    const offered = supportedVersionsOf(error.data);
    return {
      kind: 'protocol_error',
      message: offered
        ? `the server supports none of the protocol versions the probe speaks; it offers ${redactor.redact(offered, MAX_DETAIL)}${how}`
        : `the server refused the protocol version${how}`,
    };
  }
  if (error.code === ProtocolErrorCode.MissingRequiredClientCapability) {
    return {
      kind: 'protocol_error',
      message: `the server requires a client capability the probe does not have${how}`,
    };
  }
  if (error.code === HEADER_MISMATCH) {
    return {
      kind: 'protocol_error',
      message: `the server found the request headers and body in disagreement${how}`,
    };
  }
  const detail = redactor.redact(error.message.replace(/^MCP error -?\d+:\s*/, ''), MAX_DETAIL);
  return {
    kind: 'protocol_error',
    message: `server returned MCP error ${error.code}${how}: ${detail}`,
  };
}

function supportedVersionsOf(data: unknown): string | null {
  const supported = (data as { supported?: unknown } | null | undefined)?.supported;
  if (!Array.isArray(supported)) return null;
  const versions = supported.filter((v): v is string => typeof v === 'string').slice(0, 8);
  return versions.length > 0 ? versions.join(', ') : null;
}

/** The JSON-RPC error an HTTP error response carried in its body, if it was one. */
function rpcErrorInBody(error: unknown): RpcError | null {
  if (!(error instanceof SdkHttpError)) return null;
  const text = error.data.text;
  if (typeof text !== 'string' || text.length === 0 || text.length > 64 * 1024) return null;
  try {
    const body = JSON.parse(text) as { jsonrpc?: unknown; error?: Partial<RpcError> };
    const rpc = body?.error;
    if (body?.jsonrpc !== '2.0' || typeof rpc?.code !== 'number') return null;
    return {
      code: rpc.code,
      message: typeof rpc.message === 'string' ? rpc.message : '',
      data: rpc.data,
    };
  } catch {
    return null;
  }
}

function malformed(observations: ProbeObservations): ClassifiedFailure {
  if (observations.receivedJsonRpc) {
    return { kind: 'protocol_error', message: 'the server sent a malformed MCP message' };
  }
  const type = observations.foreignContentType;
  return {
    kind: 'not_mcp',
    message: type
      ? `the server answered with ${type}, not MCP JSON-RPC`
      : 'the server did not answer with MCP JSON-RPC',
  };
}

function looksMalformed(error: unknown): boolean {
  if (!isErrorLike(error)) return false;
  if (error.name === 'SyntaxError' || error.name === 'ZodError') return true;
  if (Array.isArray((error as { issues?: unknown }).issues)) return true;
  return /content type|content-type|invalid json|unexpected token|not valid json/i.test(
    error.message,
  );
}

// Duck-typed on purpose: errors raised inside Node (sockets, DNS) come from another realm than
// the caller's under test runners and sandboxes, so `instanceof Error` misses them.
function isErrorLike(value: unknown): value is Error {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** HTTP status carried by the SDK's SdkHttpError (`status`) and SseError (`code`). */
function httpStatusOf(error: unknown): number | null {
  if (error instanceof SdkHttpError) return inRange(error.status);
  if (!isErrorLike(error) || error instanceof ProtocolError || error instanceof SdkError) {
    return null;
  }
  return inRange((error as { code?: unknown }).code);
}

function inRange(code: unknown): number | null {
  return typeof code === 'number' && code >= 400 && code < 600 ? code : null;
}

function networkCodeOf(error: unknown): string | null {
  let current: unknown = error;
  // fetch wraps socket errors ("fetch failed" → cause → maybe another cause); walk the chain.
  for (let depth = 0; depth < 5 && isErrorLike(current); depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && isNetworkCode(code)) return code;
    const errors = (current as { errors?: unknown }).errors;
    // Happy-eyeballs dialling reports an AggregateError holding one error per address.
    if (Array.isArray(errors) && isErrorLike(errors[0])) {
      current = errors[0];
      continue;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function isNetworkCode(code: string): boolean {
  // Errno-style codes and the known client codes only: ERR_INVALID_ARG_TYPE and the like are
  // programming errors, not a verdict about the server.
  return (
    /^E[A-Z]+$/.test(code) ||
    TLS.test(code) ||
    [REFUSED, RESET, DNS, NO_ROUTE, SLOW].some((set) => set.has(code))
  );
}
