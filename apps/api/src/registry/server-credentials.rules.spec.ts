import {
  credentialFieldNames,
  credentialTypeOf,
  parseServerCredentials,
} from './server-credentials.rules';
import { SECRET_MASK } from './secret-mask';

function fields(result: { errors: { field: string }[] }): string[] {
  return result.errors.map((error) => error.field);
}

describe('server credentials by auth_type', () => {
  it('normalizes each shape, filling type and the api key header', () => {
    expect(parseServerCredentials('api_key', { api_key: 'k' }).credentials).toEqual({
      type: 'api_key',
      api_key: 'k',
      header_name: 'X-API-Key',
    });
    expect(
      parseServerCredentials('bearer_token', { type: 'bearer', token: 't' }).credentials,
    ).toEqual({
      type: 'bearer',
      token: 't',
    });
    expect(parseServerCredentials('basic', { username: 'u', password: 'p' }).credentials).toEqual({
      type: 'basic',
      username: 'u',
      password: 'p',
    });
    expect(parseServerCredentials('authorization', { value: 'Token x' }).credentials).toEqual({
      type: 'authorization',
      value: 'Token x',
    });
    expect(
      parseServerCredentials('oauth', { access_token: 'a', expires_at: 1700000000, scopes: ['r'] })
        .credentials,
    ).toEqual({ type: 'oauth', access_token: 'a', expires_at: 1700000000, scopes: ['r'] });
  });

  it('treats absent or empty credentials as none stored', () => {
    expect(parseServerCredentials('bearer_token', undefined)).toEqual({
      credentials: null,
      errors: [],
    });
    expect(parseServerCredentials('bearer_token', {})).toEqual({ credentials: null, errors: [] });
    expect(parseServerCredentials('none', {})).toEqual({ credentials: null, errors: [] });
  });

  it('names missing, unknown and malformed fields without echoing values', () => {
    expect(fields(parseServerCredentials('bearer_token', { type: 'bearer' }))).toEqual([
      'credentials.token',
    ]);
    expect(fields(parseServerCredentials('none', { token: 'x' }))).toEqual(['credentials.token']);
    expect(fields(parseServerCredentials('basic', { username: 'a:b', password: 'p' }))).toEqual([
      'credentials.username',
    ]);
    expect(
      fields(parseServerCredentials('api_key', { api_key: 'k', header_name: 'Bad Header' })),
    ).toEqual(['credentials.header_name']);
    expect(
      fields(parseServerCredentials('oauth', { access_token: 'a', token_url: 'http://x' })),
    ).toEqual(['credentials.token_url']);
    expect(fields(parseServerCredentials('authorization', { value: 'a\r\nInjected: 1' }))).toEqual([
      'credentials.value',
    ]);
    expect(fields(parseServerCredentials('api_key', { type: 'bearer', api_key: 'k' }))).toEqual([
      'credentials.type',
    ]);
    const result = parseServerCredentials('bearer_token', {
      token: 'secret-value',
      extra: 'secret-value',
    });
    expect(JSON.stringify(result.errors)).not.toContain('secret-value');
  });

  it('lets the mask stand for any field, to be restored later', () => {
    expect(
      parseServerCredentials('oauth', { access_token: SECRET_MASK, scopes: SECRET_MASK }),
    ).toEqual({
      credentials: { type: 'oauth', access_token: SECRET_MASK, scopes: SECRET_MASK },
      errors: [],
    });
  });

  it('lists field names without type, and the type shown for each auth_type', () => {
    expect(credentialFieldNames({ type: 'basic', username: 'u', password: 'p' })).toEqual([
      'username',
      'password',
    ]);
    expect(credentialTypeOf('bearer_token')).toBe('bearer');
    expect(credentialTypeOf('none')).toBeNull();
  });
});
