import type {
  IssuedToken,
  OAuthGrantType,
  TokenEndpointAuthMethod,
  TokenRequest,
} from '@app/mcp-probe';

/**
 * Stored `auth_type: oauth` credentials as the refresher reads them (the API validated them with
 * the shared credentials schema; rows written before a rule existed are read defensively).
 */
export type StoredOAuth = Record<string, unknown>;

/** Renew this long before the stored expiry: clocks differ, and a probe takes a while. */
export const EXPIRY_SKEW_MS = 30_000;

export function grantTypeOf(credentials: StoredOAuth): OAuthGrantType {
  return credentials.grant_type === 'client_credentials' ? 'client_credentials' : 'refresh_token';
}

export function accessTokenOf(credentials: StoredOAuth): string | null {
  return text(credentials.access_token);
}

/** The stored expiry (ISO-8601 or Unix seconds), or null when none is known. */
export function expiresAtOf(credentials: StoredOAuth): Date | null {
  const value = credentials.expires_at;
  const at =
    typeof value === 'number'
      ? new Date(value * 1000)
      : typeof value === 'string'
        ? new Date(value)
        : null;
  return at && Number.isFinite(at.getTime()) ? at : null;
}

/** No access token, or one past (or about to pass) its stored expiry. */
export function needsNewToken(credentials: StoredOAuth, now: Date): boolean {
  if (accessTokenOf(credentials) === null) return true;
  const expiresAt = expiresAtOf(credentials);
  return expiresAt !== null && expiresAt.getTime() - EXPIRY_SKEW_MS <= now.getTime();
}

/** Why no new token can be had from what is stored, or null when one can. */
export function renewalProblem(credentials: StoredOAuth): string | null {
  if (text(credentials.token_url) === null) return 'no token_url is stored to renew it at';
  if (grantTypeOf(credentials) === 'client_credentials') {
    return text(credentials.client_id) === null || text(credentials.client_secret) === null
      ? 'the client_id or client_secret for the client_credentials grant is missing'
      : null;
  }
  return text(credentials.refresh_token) === null ? 'no refresh token is stored to renew it' : null;
}

export function tokenRequestOf(credentials: StoredOAuth): TokenRequest {
  const grant =
    grantTypeOf(credentials) === 'client_credentials'
      ? ({ type: 'client_credentials' } as const)
      : ({ type: 'refresh_token', refreshToken: text(credentials.refresh_token)! } as const);
  const scopes = Array.isArray(credentials.scopes)
    ? credentials.scopes.filter((scope): scope is string => typeof scope === 'string')
    : undefined;
  return {
    tokenUrl: text(credentials.token_url)!,
    grant,
    clientId: text(credentials.client_id) ?? undefined,
    clientSecret: text(credentials.client_secret) ?? undefined,
    authMethod:
      credentials.token_endpoint_auth_method === 'client_secret_post'
        ? 'client_secret_post'
        : ('client_secret_basic' satisfies TokenEndpointAuthMethod),
    scopes,
    audience: text(credentials.audience) ?? undefined,
    resource: text(credentials.resource) ?? undefined,
  };
}

/**
 * The credentials after a grant: the new access token and its expiry (none when the server did
 * not say), and a rotated refresh token when one was issued (the client_credentials grant keeps
 * none: RFC 6749 §4.4.3). Every other field stays as stored.
 */
export function withIssuedToken(
  credentials: StoredOAuth,
  issued: IssuedToken,
  now: Date,
): StoredOAuth {
  const next: StoredOAuth = { ...credentials, access_token: issued.accessToken };
  if (issued.expiresInS !== undefined) {
    next.expires_at = new Date(now.getTime() + issued.expiresInS * 1000).toISOString();
  } else {
    delete next.expires_at;
  }
  if (issued.refreshToken !== undefined && grantTypeOf(credentials) === 'refresh_token') {
    next.refresh_token = issued.refreshToken;
  }
  return next;
}

/** Every secret value the credentials hold (for redaction). */
export function secretsOf(credentials: StoredOAuth): string[] {
  return ['access_token', 'refresh_token', 'client_secret']
    .map((key) => text(credentials[key]))
    .filter((value): value is string => value !== null);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}
