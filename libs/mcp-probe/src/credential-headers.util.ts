/** The header an api_key credential is sent in when it names none (API.md §3). */
export const DEFAULT_API_KEY_HEADER = 'X-API-Key';
/** RFC 9110 token characters: anything else would make the HTTP client reject the whole request. */
export const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** CR, LF and NUL would let a stored credential smuggle extra headers or be refused by the client. */
export const UNSAFE_HEADER_VALUE = /[\r\n\0]/;

/**
 * The HTTP headers that present a server's stored credentials. A missing or malformed credential
 * yields no header rather than an error, so the probe reports what the server says about it.
 */
export function credentialHeaders(
  authType: string,
  credentials: Record<string, unknown> | null | undefined,
): Record<string, string> {
  const creds = credentials ?? {};
  switch (authType) {
    case 'bearer_token':
      return bearer(pick(creds, 'token', 'bearer_token', 'access_token'));
    case 'oauth':
      return bearer(pick(creds, 'access_token', 'token'));
    case 'api_key': {
      const key = pick(creds, 'api_key', 'key', 'value');
      if (key === null) return {};
      const name = pick(creds, 'header_name');
      return {
        [name !== null && HEADER_NAME_PATTERN.test(name) ? name : DEFAULT_API_KEY_HEADER]: key,
      };
    }
    case 'basic': {
      const username = pick(creds, 'username');
      const password = pick(creds, 'password') ?? '';
      if (username === null) return {};
      const encoded = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
      return { Authorization: `Basic ${encoded}` };
    }
    case 'authorization': {
      const value = pick(creds, 'value', 'token');
      return value === null ? {} : { Authorization: value };
    }
    default:
      return {};
  }
}

function bearer(token: string | null): Record<string, string> {
  return token === null ? {} : { Authorization: `Bearer ${token}` };
}

function pick(creds: Record<string, unknown>, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = creds[key];
    if (typeof value === 'string' && value !== '' && !UNSAFE_HEADER_VALUE.test(value)) return value;
  }
  return null;
}
