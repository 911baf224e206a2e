import { isISO8601, isURL } from 'class-validator';
import type { FieldError } from '@app/core';
import type { McpServerAuthType } from '@app/dal';
import { DEFAULT_API_KEY_HEADER, HEADER_NAME_PATTERN, UNSAFE_HEADER_VALUE } from '@app/mcp-probe';
import type { OAuthGrantType, TokenEndpointAuthMethod } from '@app/mcp-probe';
import {
  authMethodProblem,
  grantTypeProblem,
  oauthFieldProblems,
  resourceProblem,
  scopesOfText,
  scopeTextProblem,
} from './oauth-credentials.rules';

/**
 * The one credentials contract of both APIs (API.md §3, and §4 "as in §3", which adds basic and
 * authorization): the fields of each auth_type, what each field accepts, and the stored shape.
 * Custom configurations and registry servers both check with `checkCredentials`; what "no
 * credentials" means differs per API and stays with each caller.
 */

export const MAX_SECRET_LENGTH = 8192;
export const MAX_HEADER_NAME_LENGTH = 128;
export const MAX_TOKEN_URL_LENGTH = 2048;
export const MAX_CLIENT_ID_LENGTH = 512;
export const MAX_SCOPES = 100;
export const MAX_SCOPE_LENGTH = 256;
export const MAX_AUDIENCE_LENGTH = 2048;

/** Credentials as stored (sealed): `type` always filled in, api_key's header_name defaulted. */
export type McpCredentials =
  | { type: 'bearer'; token: string }
  | { type: 'api_key'; api_key: string; header_name: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'authorization'; value: string }
  | {
      type: 'oauth';
      /** Absent: refresh_token (tokens obtained elsewhere, renewed with the refresh token). */
      grant_type?: OAuthGrantType;
      /** Required unless grant_type is client_credentials (then it is obtained and stored). */
      access_token?: string;
      refresh_token?: string;
      expires_at?: string | number;
      token_url?: string;
      client_id?: string;
      client_secret?: string;
      token_endpoint_auth_method?: TokenEndpointAuthMethod;
      scopes?: string[];
      audience?: string;
      /** RFC 8707 resource indicator. */
      resource?: string;
    };

export type CredentialType = McpCredentials['type'];

/** Checked credentials; with `keep`, a field may still hold that value, for the caller to restore. */
export type CheckedCredentials = { type: CredentialType } & Record<string, unknown>;

type FieldKind =
  | 'secret'
  | 'username'
  | 'client_id'
  | 'header_name'
  | 'https_url'
  | 'instant'
  | 'grant_type'
  | 'auth_method'
  | 'audience'
  | 'resource'
  | 'scope_text';

interface CredentialShape {
  type: CredentialType;
  /** Field order is the stored order. */
  required: Record<string, FieldKind | 'scopes'>;
  optional: Record<string, FieldKind | 'scopes'>;
}

const SHAPES: Record<Exclude<McpServerAuthType, 'none'>, CredentialShape> = {
  bearer_token: { type: 'bearer', required: { token: 'secret' }, optional: {} },
  api_key: {
    type: 'api_key',
    required: { api_key: 'secret' },
    optional: { header_name: 'header_name' },
  },
  basic: { type: 'basic', required: { username: 'username', password: 'secret' }, optional: {} },
  authorization: { type: 'authorization', required: { value: 'secret' }, optional: {} },
  // access_token is required by grant (oauth-credentials.rules.ts); `scope` is stored as scopes.
  oauth: {
    type: 'oauth',
    required: {},
    optional: {
      grant_type: 'grant_type',
      access_token: 'secret',
      refresh_token: 'secret',
      expires_at: 'instant',
      token_url: 'https_url',
      client_id: 'client_id',
      client_secret: 'secret',
      token_endpoint_auth_method: 'auth_method',
      scopes: 'scopes',
      scope: 'scope_text',
      audience: 'audience',
      resource: 'resource',
    },
  },
};

const HTTPS_URL = 'must be an HTTPS URL (https://…, without user:password@)';

/** Why a string credential value is refused, or null. Messages never echo the value. */
function textProblem(value: unknown, maxLength: number): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (value.length > maxLength) return `must be at most ${maxLength} characters`;
  // Sent as (part of) a header, a line break would let the value inject headers of its own.
  if (UNSAFE_HEADER_VALUE.test(value)) return 'must not contain line breaks or NUL characters';
  return null;
}

function isHttpsUrl(value: string): boolean {
  if (value.length > MAX_TOKEN_URL_LENGTH) return false;
  const wellFormed = isURL(value, {
    protocols: ['https'],
    require_protocol: true,
    require_tld: false,
    disallow_auth: true,
  });
  if (!wellFormed) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && !url.username && !url.password;
  } catch {
    return false;
  }
}

function fieldProblem(kind: FieldKind | 'scopes', value: unknown): string | null {
  switch (kind) {
    case 'secret':
      return textProblem(value, MAX_SECRET_LENGTH);
    case 'username':
      // Basic auth joins username and password with ":"; one in the name would move the split.
      if (typeof value === 'string' && value.includes(':')) return 'must not contain ":"';
      return textProblem(value, MAX_SECRET_LENGTH);
    case 'client_id':
      return textProblem(value, MAX_CLIENT_ID_LENGTH);
    case 'header_name':
      return typeof value === 'string' &&
        value.length <= MAX_HEADER_NAME_LENGTH &&
        HEADER_NAME_PATTERN.test(value)
        ? null
        : 'must be a valid HTTP header name';
    case 'https_url':
      return typeof value === 'string' && isHttpsUrl(value) ? null : HTTPS_URL;
    case 'instant':
      // The two forms OAuth clients commonly store.
      return (typeof value === 'string' && isISO8601(value, { strict: true })) ||
        (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
        ? null
        : 'must be an ISO-8601 timestamp or Unix seconds';
    case 'grant_type':
      return grantTypeProblem(value);
    case 'auth_method':
      return authMethodProblem(value);
    case 'audience':
      return textProblem(value, MAX_AUDIENCE_LENGTH);
    case 'resource':
      return resourceProblem(value, MAX_TOKEN_URL_LENGTH);
    case 'scope_text':
      return scopeTextProblem(value, MAX_SCOPES, MAX_SCOPE_LENGTH);
    case 'scopes':
      return Array.isArray(value) &&
        value.length <= MAX_SCOPES &&
        value.every(
          (scope) =>
            typeof scope === 'string' && scope.length > 0 && scope.length <= MAX_SCOPE_LENGTH,
        )
        ? null
        : `must be an array of at most ${MAX_SCOPES} non-empty strings of at most ${MAX_SCOPE_LENGTH} characters`;
  }
}

/**
 * Checks `raw` against the fields of `authType` and returns them as stored: `type` filled in,
 * header_name defaulted, fields in a fixed order, nothing unvalidated. Every problem is one error
 * naming `credentials.<field>`. A field whose value is `options.keep` (the registry's mask) is
 * passed through unchecked for the caller to restore. `auth_type: none` takes no field.
 */
export function checkCredentials(
  authType: McpServerAuthType,
  raw: Record<string, unknown>,
  options: { keep?: string } = {},
): { credentials: CheckedCredentials | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (authType === 'none') {
    for (const key of Object.keys(raw)) {
      errors.push({
        field: `credentials.${key}`,
        message: 'is not allowed when auth_type is none',
      });
    }
    return { credentials: null, errors };
  }
  const shape = SHAPES[authType];
  const fields = { ...shape.required, ...shape.optional };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'type') {
      if (value !== shape.type) {
        errors.push({
          field: 'credentials.type',
          message: `must be "${shape.type}" when auth_type is ${authType}`,
        });
      }
      continue;
    }
    // Own fields only: "constructor" or "toString" must not find Object.prototype's.
    const kind = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (kind === undefined) {
      errors.push({
        field: `credentials.${key}`,
        message: `is not a credential field of auth_type ${authType}`,
      });
      continue;
    }
    const problem =
      options.keep !== undefined && value === options.keep ? null : fieldProblem(kind, value);
    if (problem) errors.push({ field: `credentials.${key}`, message: problem });
  }
  for (const key of Object.keys(shape.required)) {
    if (!Object.hasOwn(raw, key)) {
      errors.push({
        field: `credentials.${key}`,
        message: `is required when auth_type is ${authType}`,
      });
    }
  }
  if (authType === 'oauth') errors.push(...oauthFieldProblems(raw));
  if (errors.length > 0) return { credentials: null, errors };

  const credentials: CheckedCredentials = { type: shape.type };
  for (const key of Object.keys(fields)) {
    if (!Object.hasOwn(raw, key)) continue;
    const value = raw[key];
    if (key === 'scope' && value !== options.keep) {
      // Stored in the one shape, after the fields before it (scopes is never sent with it).
      credentials.scopes = scopesOfText(value as string);
      continue;
    }
    credentials[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
  }
  if (authType === 'api_key' && credentials.header_name === undefined) {
    credentials.header_name = DEFAULT_API_KEY_HEADER;
  }
  return { credentials, errors };
}

/** The credential field names shown masked in registry responses (`type` is shown in clear). */
export function credentialFieldNames(credentials: Record<string, unknown>): string[] {
  return Object.keys(credentials).filter((key) => key !== 'type');
}

/** The `type` stored and shown for each auth_type. */
export function credentialTypeOf(authType: McpServerAuthType): CredentialType | null {
  return authType === 'none' ? null : SHAPES[authType].type;
}
