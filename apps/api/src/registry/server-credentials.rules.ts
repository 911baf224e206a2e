import { FieldError } from '@app/core';
import type { McpServerAuthType } from '@app/dal';
import { SECRET_MASK } from './secret-mask';

export type ServerCredentials = Record<string, unknown> & { type: string };

type FieldKind = 'secret' | 'username' | 'header' | 'https-url' | 'instant' | 'scopes';

interface CredentialShape {
  type: string;
  required: Record<string, FieldKind>;
  optional: Record<string, FieldKind>;
}

export const DEFAULT_API_KEY_HEADER = 'X-API-Key';
const MAX_SECRET_LENGTH = 8192;
const MAX_SCOPES = 100;
const HEADER_TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
const NO_LINE_BREAKS = /^[^\r\n\0]*$/;

/** API.md §3 shapes, plus basic and authorization for the registry. */
const SHAPES: Record<Exclude<McpServerAuthType, 'none'>, CredentialShape> = {
  api_key: {
    type: 'api_key',
    required: { api_key: 'secret' },
    optional: { header_name: 'header' },
  },
  bearer_token: { type: 'bearer', required: { token: 'secret' }, optional: {} },
  basic: { type: 'basic', required: { username: 'username', password: 'secret' }, optional: {} },
  authorization: { type: 'authorization', required: { value: 'secret' }, optional: {} },
  oauth: {
    type: 'oauth',
    required: { access_token: 'secret' },
    optional: {
      refresh_token: 'secret',
      expires_at: 'instant',
      token_url: 'https-url',
      client_id: 'secret',
      client_secret: 'secret',
      scopes: 'scopes',
    },
  },
};

function kindError(kind: FieldKind, value: unknown): string | null {
  switch (kind) {
    case 'secret':
    case 'username':
      if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
      if (value.length > MAX_SECRET_LENGTH)
        return `must be at most ${MAX_SECRET_LENGTH} characters`;
      // A line break in a value sent as a header would let it inject headers of its own.
      if (!NO_LINE_BREAKS.test(value)) return 'must not contain line breaks or NUL characters';
      if (kind === 'username' && value.includes(':')) return 'must not contain ":"';
      return null;
    case 'header':
      return typeof value === 'string' && HEADER_TOKEN.test(value)
        ? null
        : 'must be an HTTP header name';
    case 'https-url': {
      if (typeof value !== 'string' || value.length > 2048) return 'must be an HTTPS URL';
      try {
        const url = new URL(value);
        return url.protocol === 'https:' && !url.username && !url.password
          ? null
          : 'must be an HTTPS URL (without user:password@)';
      } catch {
        return 'must be an HTTPS URL';
      }
    }
    case 'instant':
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return null;
      return typeof value === 'string' && value.length <= 64 && !Number.isNaN(Date.parse(value))
        ? null
        : 'must be an ISO-8601 date-time or a Unix time in seconds';
    case 'scopes':
      return Array.isArray(value) &&
        value.length <= MAX_SCOPES &&
        value.every((scope) => typeof scope === 'string' && scope.length > 0 && scope.length <= 256)
        ? null
        : `must be an array of at most ${MAX_SCOPES} non-empty strings`;
  }
}

/**
 * Checks `credentials` against the shape of `authType` and normalizes them (`type` filled in,
 * api_key's header_name defaulted). A field sent as the mask passes as "keep the stored value";
 * the caller restores it. Messages never echo a value.
 */
export function parseServerCredentials(
  authType: McpServerAuthType,
  raw: Record<string, unknown> | null | undefined,
): { credentials: ServerCredentials | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (authType === 'none') {
    for (const key of Object.keys(raw ?? {})) {
      errors.push({
        field: `credentials.${key}`,
        message: 'is not allowed when auth_type is none',
      });
    }
    return { credentials: null, errors };
  }
  if (raw === undefined || raw === null || Object.keys(raw).length === 0) {
    return { credentials: null, errors };
  }
  const shape = SHAPES[authType];
  const credentials: ServerCredentials = { type: shape.type };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'type') {
      if (value !== shape.type && value !== authType) {
        errors.push({
          field: 'credentials.type',
          message: `must be "${shape.type}" when auth_type is ${authType}`,
        });
      }
      continue;
    }
    const kind = shape.required[key] ?? shape.optional[key];
    if (kind === undefined) {
      errors.push({
        field: `credentials.${key}`,
        message: `is not a credential field of auth_type ${authType}`,
      });
      continue;
    }
    const problem = value === SECRET_MASK ? null : kindError(kind, value);
    if (problem) errors.push({ field: `credentials.${key}`, message: problem });
    else credentials[key] = value;
  }
  for (const key of Object.keys(shape.required)) {
    if (!(key in raw)) {
      errors.push({
        field: `credentials.${key}`,
        message: `is required when auth_type is ${authType}`,
      });
    }
  }
  if (authType === 'api_key' && credentials.header_name === undefined) {
    credentials.header_name = DEFAULT_API_KEY_HEADER;
  }
  return { credentials: errors.length > 0 ? null : credentials, errors };
}

/** The credential field names shown masked in responses (`type` is shown in clear). */
export function credentialFieldNames(credentials: ServerCredentials): string[] {
  return Object.keys(credentials).filter((key) => key !== 'type');
}

export function credentialTypeOf(authType: McpServerAuthType): string | null {
  return authType === 'none' ? null : SHAPES[authType].type;
}
