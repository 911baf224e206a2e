import type { FieldError } from '@app/core';
import { OAUTH_GRANT_TYPES, TOKEN_ENDPOINT_AUTH_METHODS } from '@app/mcp-probe';

/**
 * The rules of `auth_type: oauth` that span fields (the per-field rules are in the schema). Two
 * grants renew the token (README "OAuth that keeps working"): `refresh_token` (the default:
 * an access token obtained elsewhere, with an optional refresh token) and `client_credentials`
 * (machine to machine: the client's own id and secret; no refresh token).
 */

export const MAX_SCOPE_TEXT_LENGTH = 4096;
/** RFC 6749 §3.3 scope-token characters. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function grantTypeProblem(value: unknown): string | null {
  return typeof value === 'string' && (OAUTH_GRANT_TYPES as readonly string[]).includes(value)
    ? null
    : `must be one of ${OAUTH_GRANT_TYPES.join(', ')}`;
}

export function authMethodProblem(value: unknown): string | null {
  return typeof value === 'string' &&
    (TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(value)
    ? null
    : `must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`;
}

/** RFC 8707: an absolute URI without a fragment (here http or https: an MCP server's URL). */
export function resourceProblem(value: unknown, maxLength: number): string | null {
  const problem = 'must be an absolute http(s) URI without a fragment';
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) return problem;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') &&
      !value.includes('#') &&
      !url.username &&
      !url.password
      ? null
      : problem;
  } catch {
    return problem;
  }
}

/** `scope` as RFC 6749 writes it: scope tokens separated by single spaces. */
export function scopeTextProblem(
  value: unknown,
  maxScopes: number,
  maxScope: number,
): string | null {
  const problem = `must be space-separated scope tokens (at most ${maxScopes}, each at most ${maxScope} characters)`;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_SCOPE_TEXT_LENGTH) {
    return problem;
  }
  const tokens = value.split(' ');
  return tokens.length <= maxScopes &&
    tokens.every((token) => token.length <= maxScope && SCOPE_TOKEN.test(token))
    ? null
    : problem;
}

/**
 * Problems between fields. A field holding the registry's mask counts as present with an unknown
 * value, so a masked grant_type skips the rules that depend on it.
 */
export function oauthFieldProblems(raw: Record<string, unknown>): FieldError[] {
  const has = (key: string): boolean => Object.hasOwn(raw, key);
  const errors: FieldError[] = [];
  const grant = raw.grant_type;
  if (grant === 'client_credentials') {
    for (const key of ['client_id', 'client_secret', 'token_url']) {
      if (!has(key)) {
        errors.push({
          field: `credentials.${key}`,
          message: 'is required when grant_type is client_credentials',
        });
      }
    }
    if (has('refresh_token')) {
      errors.push({
        field: 'credentials.refresh_token',
        message: 'is not used with grant_type client_credentials',
      });
    }
  } else if ((grant === undefined || grant === 'refresh_token') && !has('access_token')) {
    errors.push({
      field: 'credentials.access_token',
      message: 'is required when auth_type is oauth',
    });
  }
  if (has('scope') && has('scopes')) {
    errors.push({ field: 'credentials.scope', message: 'send scope or scopes, not both' });
  }
  if (has('token_endpoint_auth_method') && !has('client_secret')) {
    errors.push({
      field: 'credentials.token_endpoint_auth_method',
      message: 'needs a client_secret to authenticate with',
    });
  }
  return errors;
}

/** `scope` text is stored as the `scopes` array (one stored shape; API.md's `scopes`). */
export function scopesOfText(scope: string): string[] {
  return scope.split(' ');
}
