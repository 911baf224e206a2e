import { checkCredentials, credentialFieldNames, credentialTypeOf } from './credentials.schema';

const MASK = '****';

function fields(result: { errors: { field: string }[] }): string[] {
  return result.errors.map((error) => error.field);
}

describe('the credentials schema shared by configurations and the registry', () => {
  it('normalizes each shape, filling type and the api key header', () => {
    expect(checkCredentials('api_key', { api_key: 'k' }).credentials).toEqual({
      type: 'api_key',
      api_key: 'k',
      header_name: 'X-API-Key',
    });
    expect(
      checkCredentials('api_key', { type: 'api_key', api_key: 'k', header_name: 'X-Token' })
        .credentials,
    ).toEqual({ type: 'api_key', api_key: 'k', header_name: 'X-Token' });
    expect(checkCredentials('bearer_token', { type: 'bearer', token: 't' }).credentials).toEqual({
      type: 'bearer',
      token: 't',
    });
    expect(checkCredentials('bearer_token', { token: 't' }).credentials).toEqual({
      type: 'bearer',
      token: 't',
    });
    expect(checkCredentials('basic', { username: 'u', password: 'p' }).credentials).toEqual({
      type: 'basic',
      username: 'u',
      password: 'p',
    });
    expect(checkCredentials('authorization', { value: 'Token x' }).credentials).toEqual({
      type: 'authorization',
      value: 'Token x',
    });
  });

  it('keeps every optional oauth field, in a fixed order, and nothing else', () => {
    const full = {
      scopes: ['read', 'write'],
      client_secret: 'cs',
      client_id: 'cid',
      token_url: 'https://auth.example.com/token',
      expires_at: '2030-01-01T00:00:00Z',
      refresh_token: 'rt',
      access_token: 'at',
      type: 'oauth',
    };
    const { credentials } = checkCredentials('oauth', full);
    expect(credentials).toEqual(full);
    expect(Object.keys(credentials!)).toEqual([
      'type',
      'access_token',
      'refresh_token',
      'expires_at',
      'token_url',
      'client_id',
      'client_secret',
      'scopes',
    ]);
    expect(
      checkCredentials('oauth', { access_token: 'a', expires_at: 1700000000 }).credentials,
    ).toEqual({ type: 'oauth', access_token: 'a', expires_at: 1700000000 });
  });

  it('takes expires_at as an ISO-8601 instant or whole Unix seconds only', () => {
    for (const expires_at of ['2030-01-01T00:00:00.000Z', '2030-01-01', 0, 1893456000]) {
      expect(checkCredentials('oauth', { access_token: 'a', expires_at }).errors).toEqual([]);
    }
    for (const expires_at of ['Tue, 01 Jan 2030 00:00:00 GMT', '2030-02-30', 1.5, -1, true]) {
      expect(checkCredentials('oauth', { access_token: 'a', expires_at }).errors).toEqual([
        {
          field: 'credentials.expires_at',
          message: 'must be an ISO-8601 timestamp or Unix seconds',
        },
      ]);
    }
  });

  it('takes only the type of API.md for each auth_type', () => {
    expect(fields(checkCredentials('bearer_token', { type: 'bearer_token', token: 't' }))).toEqual([
      'credentials.type',
    ]);
    expect(fields(checkCredentials('api_key', { type: 'bearer', api_key: 'k' }))).toEqual([
      'credentials.type',
    ]);
    expect(fields(checkCredentials('oauth', { type: null, access_token: 'a' }))).toEqual([
      'credentials.type',
    ]);
  });

  it('names missing, unknown and malformed fields without echoing values', () => {
    expect(fields(checkCredentials('bearer_token', { type: 'bearer' }))).toEqual([
      'credentials.token',
    ]);
    expect(fields(checkCredentials('none', { token: 'x' }))).toEqual(['credentials.token']);
    expect(fields(checkCredentials('basic', { username: 'a:b', password: 'p' }))).toEqual([
      'credentials.username',
    ]);
    expect(fields(checkCredentials('basic', { username: 'u', password: 'p', realm: 'r' }))).toEqual(
      ['credentials.realm'],
    );
    expect(
      fields(checkCredentials('api_key', { api_key: 'k', header_name: 'Bad Header' })),
    ).toEqual(['credentials.header_name']);
    for (const token_url of ['http://auth.example.com', 'https://u:p@auth.example.com', 'nope']) {
      expect(fields(checkCredentials('oauth', { access_token: 'a', token_url }))).toEqual([
        'credentials.token_url',
      ]);
    }
    expect(fields(checkCredentials('oauth', { access_token: 'a', scopes: [1] }))).toEqual([
      'credentials.scopes',
    ]);
    expect(
      fields(checkCredentials('oauth', { access_token: 'a', client_id: 'c'.repeat(513) })),
    ).toEqual(['credentials.client_id']);
    expect(fields(checkCredentials('oauth', { access_token: 'a', refresh_token: null }))).toEqual([
      'credentials.refresh_token',
    ]);
    expect(fields(checkCredentials('bearer_token', { token: 't'.repeat(8193) }))).toEqual([
      'credentials.token',
    ]);
    const result = checkCredentials('bearer_token', {
      token: 'secret-value',
      extra: 'secret-value',
    });
    expect(fields(result)).toEqual(['credentials.extra']);
    expect(result.credentials).toBeNull();
    expect(JSON.stringify(result.errors)).not.toContain('secret-value');
  });

  it('refuses names of Object.prototype as credential fields', () => {
    expect(
      fields(checkCredentials('bearer_token', { token: 't', constructor: 'x', toString: 'y' })),
    ).toEqual(['credentials.constructor', 'credentials.toString']);
  });

  it('refuses header injection through any value sent as a header', () => {
    expect(fields(checkCredentials('authorization', { value: 'a\r\nInjected: 1' }))).toEqual([
      'credentials.value',
    ]);
    expect(fields(checkCredentials('bearer_token', { token: 'abc\nX-Evil: 1' }))).toEqual([
      'credentials.token',
    ]);
    expect(fields(checkCredentials('api_key', { api_key: 'k\0' }))).toEqual([
      'credentials.api_key',
    ]);
  });

  it('lets the kept placeholder stand for any field, to be restored later', () => {
    expect(checkCredentials('oauth', { access_token: MASK, scopes: MASK }, { keep: MASK })).toEqual(
      {
        credentials: { type: 'oauth', access_token: MASK, scopes: MASK },
        errors: [],
      },
    );
    // Without the option the mask is an ordinary (valid) token, and not a valid scope list.
    expect(fields(checkCredentials('oauth', { access_token: MASK, scopes: MASK }))).toEqual([
      'credentials.scopes',
    ]);
  });

  it('takes no field for auth_type none', () => {
    expect(checkCredentials('none', {})).toEqual({ credentials: null, errors: [] });
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

describe('OAuth grants in the credentials schema', () => {
  const clientCredentials = {
    grant_type: 'client_credentials',
    client_id: 'registry-probe',
    client_secret: 'cs',
    token_url: 'https://auth.example.com/oauth/token',
  };

  it('takes the client_credentials grant without an access token, with audience and resource', () => {
    const { credentials, errors } = checkCredentials('oauth', {
      ...clientCredentials,
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'mcp:read mcp:tools',
      audience: 'https://mcp.example.com',
      resource: 'https://mcp.example.com/mcp',
    });
    expect(errors).toEqual([]);
    expect(credentials).toEqual({
      type: 'oauth',
      ...clientCredentials,
      token_endpoint_auth_method: 'client_secret_post',
      scopes: ['mcp:read', 'mcp:tools'],
      audience: 'https://mcp.example.com',
      resource: 'https://mcp.example.com/mcp',
    });
  });

  it('names each field the client_credentials grant misses, and refuses a refresh token with it', () => {
    expect(
      fields(checkCredentials('oauth', { grant_type: 'client_credentials', refresh_token: 'rt' })),
    ).toEqual([
      'credentials.client_id',
      'credentials.client_secret',
      'credentials.token_url',
      'credentials.refresh_token',
    ]);
  });

  it('still requires an access token for the refresh_token grant, explicit or not', () => {
    expect(fields(checkCredentials('oauth', { refresh_token: 'rt' }))).toEqual([
      'credentials.access_token',
    ]);
    expect(fields(checkCredentials('oauth', { grant_type: 'refresh_token' }))).toEqual([
      'credentials.access_token',
    ]);
  });

  it('refuses unknown grants and methods, bad resources and scopes, and conflicting fields', () => {
    const base = { access_token: 'a' };
    const cases: [Record<string, unknown>, string[]][] = [
      [{ grant_type: 'password' }, ['credentials.grant_type']],
      [{ grant_type: 'authorization_code' }, ['credentials.grant_type']],
      [
        { client_secret: 's', token_endpoint_auth_method: 'private_key_jwt' },
        ['credentials.token_endpoint_auth_method'],
      ],
      [
        { token_endpoint_auth_method: 'client_secret_post' },
        ['credentials.token_endpoint_auth_method'],
      ],
      [{ resource: 'https://mcp.example.com/mcp#frag' }, ['credentials.resource']],
      [{ resource: 'mcp.example.com' }, ['credentials.resource']],
      [{ resource: 'https://user:pw@mcp.example.com' }, ['credentials.resource']],
      [{ audience: '' }, ['credentials.audience']],
      [{ audience: 'a\r\nb' }, ['credentials.audience']],
      [{ scope: 'a  b' }, ['credentials.scope']],
      [{ scope: 'a "b"' }, ['credentials.scope']],
      [{ scope: 'a', scopes: ['a'] }, ['credentials.scope']],
    ];
    for (const [extra, expected] of cases) {
      expect(fields(checkCredentials('oauth', { ...base, ...extra }))).toEqual(expected);
    }
  });

  it('lets a masked grant_type stand without guessing the fields it needs', () => {
    expect(
      checkCredentials('oauth', { grant_type: MASK, client_secret: MASK }, { keep: MASK }).errors,
    ).toEqual([]);
  });
});
