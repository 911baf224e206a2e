import { ValidationError } from '@app/core';
import { parseCredentials } from './credentials.parser';

async function fieldsOf(promise: Promise<unknown>): Promise<{ field: string; message: string }[]> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details!.fields as { field: string; message: string }[];
  }
  throw new Error('expected a ValidationError');
}

const required = { required: true };

describe('parseCredentials', () => {
  it('normalizes bearer tokens, with or without type', async () => {
    expect(
      await parseCredentials('bearer_token', { type: 'bearer', token: 't1' }, required),
    ).toEqual({
      type: 'bearer',
      token: 't1',
    });
    expect(await parseCredentials('bearer_token', { token: 't2' }, required)).toEqual({
      type: 'bearer',
      token: 't2',
    });
  });

  it('defaults the api key header name', async () => {
    expect(await parseCredentials('api_key', { api_key: 'k' }, required)).toEqual({
      type: 'api_key',
      api_key: 'k',
      header_name: 'X-API-Key',
    });
    expect(
      await parseCredentials(
        'api_key',
        { type: 'api_key', api_key: 'k', header_name: 'X-Token' },
        required,
      ),
    ).toEqual({ type: 'api_key', api_key: 'k', header_name: 'X-Token' });
  });

  it('keeps every optional oauth field and nothing else', async () => {
    const full = {
      type: 'oauth',
      access_token: 'at',
      refresh_token: 'rt',
      expires_at: '2030-01-01T00:00:00Z',
      token_url: 'https://auth.example.com/token',
      client_id: 'cid',
      client_secret: 'cs',
      scopes: ['read', 'write'],
    };
    expect(await parseCredentials('oauth', full, required)).toEqual(full);
    expect(
      await parseCredentials('oauth', { access_token: 'at', expires_at: 1893456000 }, required),
    ).toEqual({
      type: 'oauth',
      access_token: 'at',
      expires_at: 1893456000,
    });
  });

  it('names the inner field of invalid credentials without echoing values', async () => {
    const fields = await fieldsOf(
      parseCredentials('bearer_token', { type: 'bearer', tokn: 'secret-x' }, required),
    );
    expect([...new Set(fields.map((f) => f.field))].sort()).toEqual([
      'credentials.token',
      'credentials.tokn',
    ]);
    expect(JSON.stringify(fields)).not.toContain('secret-x');

    expect(
      (await fieldsOf(parseCredentials('api_key', { type: 'bearer', api_key: 'k' }, required)))[0]
        .field,
    ).toBe('credentials.type');
    expect(
      (
        await fieldsOf(
          parseCredentials('api_key', { api_key: 'k', header_name: 'Bad Header' }, required),
        )
      )[0].field,
    ).toBe('credentials.header_name');
    expect(
      (
        await fieldsOf(
          parseCredentials(
            'oauth',
            { access_token: 'a', token_url: 'http://x.example.com' },
            required,
          ),
        )
      )[0].field,
    ).toBe('credentials.token_url');
    expect(
      (await fieldsOf(parseCredentials('oauth', { access_token: 'a', scopes: [1] }, required)))[0]
        .field,
    ).toBe('credentials.scopes');
  });

  it('refuses header injection through a credential value', async () => {
    const fields = await fieldsOf(
      parseCredentials('bearer_token', { token: 'abc\r\nX-Evil: 1' }, required),
    );
    expect(fields[0].field).toBe('credentials.token');
  });

  it('requires credentials for non-none auth only when asked to', async () => {
    expect((await fieldsOf(parseCredentials('oauth', undefined, required)))[0].field).toBe(
      'credentials',
    );
    expect(await parseCredentials('oauth', undefined, { required: false })).toBeUndefined();
  });

  it('accepts no or empty credentials for auth_type none and refuses anything else', async () => {
    expect(await parseCredentials('none', undefined, required)).toBeNull();
    expect(await parseCredentials('none', {}, required)).toBeNull();
    expect((await fieldsOf(parseCredentials('none', { token: 'x' }, required)))[0].field).toBe(
      'credentials.token',
    );
  });
});
