import { ProbeFailure } from '../probe-failure.error';
import { IssuedToken } from './oauth-grant';

const MAX_TOKEN_LENGTH = 8192;
/** Ten years: longer is nonsense, and adding it to "now" must stay a valid date. */
const MAX_EXPIRES_IN_S = 10 * 365 * 24 * 3600;
const UNSAFE_TOKEN = /[\r\n\0]/;
/**
 * The error codes of RFC 6749 §5.2 and RFC 8707 §2: only these are quoted in a verdict, so an
 * authorization server's free text never reaches one.
 */
const KNOWN_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
]);

/**
 * Reads a token endpoint's answer (RFC 6749 §5.1 success, §5.2 error) into an issued token or a
 * ProbeFailure with fixed wording. A grant the server refused, or an answer without a usable
 * bearer token, is `auth_failed`; a server error is `unreachable` (try again later).
 */
export function readTokenResponse(status: number, body: string): IssuedToken {
  const json = parseObject(body);
  if (status >= 500) {
    throw new ProbeFailure('unreachable', `the token endpoint is unavailable (HTTP ${status})`);
  }
  if (status >= 300 && status < 400) {
    throw new ProbeFailure(
      'auth_failed',
      `the token endpoint answered with a redirect (HTTP ${status}); use its final URL as token_url`,
    );
  }
  if (status !== 200) {
    const code =
      typeof json?.error === 'string' && KNOWN_ERRORS.has(json.error) ? json.error : null;
    throw new ProbeFailure(
      'auth_failed',
      code
        ? `the token endpoint refused the grant: ${code} (HTTP ${status})`
        : `the token endpoint refused the grant (HTTP ${status})`,
    );
  }
  if (!json) {
    throw new ProbeFailure('auth_failed', 'the token endpoint did not answer with a JSON object');
  }
  const accessToken = json.access_token;
  if (
    typeof accessToken !== 'string' ||
    accessToken.length === 0 ||
    accessToken.length > MAX_TOKEN_LENGTH ||
    UNSAFE_TOKEN.test(accessToken)
  ) {
    throw new ProbeFailure('auth_failed', 'the token endpoint issued no usable access token');
  }
  // RFC 6749 makes token_type required; some servers leave it out, which is taken as bearer.
  if (json.token_type !== undefined && String(json.token_type).toLowerCase() !== 'bearer') {
    throw new ProbeFailure(
      'auth_failed',
      'the token endpoint issued a token that is not a bearer token',
    );
  }
  const issued: IssuedToken = { accessToken };
  const refreshToken = json.refresh_token;
  if (
    typeof refreshToken === 'string' &&
    refreshToken.length > 0 &&
    refreshToken.length <= MAX_TOKEN_LENGTH &&
    !UNSAFE_TOKEN.test(refreshToken)
  ) {
    issued.refreshToken = refreshToken;
  }
  // A number per the RFC; some servers send a numeric string.
  const expiresIn = Number(json.expires_in);
  if (json.expires_in !== undefined && Number.isFinite(expiresIn) && expiresIn > 0) {
    issued.expiresInS = Math.min(Math.floor(expiresIn), MAX_EXPIRES_IN_S);
  }
  return issued;
}

function parseObject(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
