/**
 * What the registry can do at an OAuth 2.0 token endpoint (RFC 6749): renew an access token with
 * a refresh token (§6), or obtain one as the client itself (client credentials, §4.4).
 */
export const OAUTH_GRANT_TYPES = ['refresh_token', 'client_credentials'] as const;
export type OAuthGrantType = (typeof OAUTH_GRANT_TYPES)[number];

/**
 * How the client authenticates at the token endpoint (RFC 6749 §2.3.1, names from RFC 7591):
 * HTTP Basic (every server must support it, the default) or the client id and secret in the body.
 */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

export interface TokenRequest {
  tokenUrl: string;
  grant: { type: 'refresh_token'; refreshToken: string } | { type: 'client_credentials' };
  clientId?: string;
  clientSecret?: string;
  authMethod?: TokenEndpointAuthMethod;
  scopes?: string[];
  /** Sent as `audience` (the convention of several authorization servers). */
  audience?: string;
  /** RFC 8707 resource indicator: the MCP server the token is for. */
  resource?: string;
}

export interface IssuedToken {
  accessToken: string;
  /** A rotated refresh token, when the server issued one. */
  refreshToken?: string;
  /** Lifetime in seconds from now, when the server said. */
  expiresInS?: number;
}
