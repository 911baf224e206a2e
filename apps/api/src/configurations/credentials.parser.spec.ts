import { ValidationError } from '@app/core';
import { parseCredentials } from './credentials.parser';

function fieldsOf(parse: () => unknown): { field: string; message: string }[] {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details!.fields as { field: string; message: string }[];
  }
  throw new Error('expected a ValidationError');
}

const required = { required: true };

// The field rules are the shared schema's (shared/credentials); these are the configuration API's.
describe('parseCredentials (custom configurations)', () => {
  it('returns the normalized credentials of the shared schema', () => {
    expect(parseCredentials('bearer_token', { token: 't1' }, required)).toEqual({
      type: 'bearer',
      token: 't1',
    });
    expect(parseCredentials('api_key', { api_key: 'k' }, required)).toEqual({
      type: 'api_key',
      api_key: 'k',
      header_name: 'X-API-Key',
    });
  });

  it('throws one 400 naming every inner field, without echoing values', () => {
    const fields = fieldsOf(() =>
      parseCredentials('bearer_token', { type: 'bearer', tokn: 'secret-x' }, required),
    );
    expect(fields.map((f) => f.field).sort()).toEqual(['credentials.token', 'credentials.tokn']);
    expect(JSON.stringify(fields)).not.toContain('secret-x');
  });

  it('takes the registry mask as an ordinary value (configurations never return credentials)', () => {
    expect(parseCredentials('bearer_token', { token: '****' }, required)).toEqual({
      type: 'bearer',
      token: '****',
    });
  });

  it('requires credentials for non-none auth only when asked to, and {} is checked, not absent', () => {
    expect(fieldsOf(() => parseCredentials('oauth', undefined, required))).toEqual([
      { field: 'credentials', message: 'are required when auth_type is oauth' },
    ]);
    expect(fieldsOf(() => parseCredentials('oauth', null, required))[0].field).toBe('credentials');
    expect(parseCredentials('oauth', undefined, { required: false })).toBeUndefined();
    expect(fieldsOf(() => parseCredentials('oauth', {}, { required: false }))).toEqual([
      { field: 'credentials.access_token', message: 'is required when auth_type is oauth' },
    ]);
  });

  it('accepts no or empty credentials for auth_type none and refuses anything else', () => {
    expect(parseCredentials('none', undefined, required)).toBeNull();
    expect(parseCredentials('none', null, required)).toBeNull();
    expect(parseCredentials('none', {}, required)).toBeNull();
    expect(fieldsOf(() => parseCredentials('none', { token: 'x' }, required))[0].field).toBe(
      'credentials.token',
    );
  });
});
