import { credentialHeaders } from './credential-headers.util';

describe('credentialHeaders', () => {
  it('sends a bearer token', () => {
    expect(credentialHeaders('bearer_token', { token: 'tok-1' })).toEqual({
      Authorization: 'Bearer tok-1',
    });
  });

  it('sends an API key in X-API-Key or the configured header', () => {
    expect(credentialHeaders('api_key', { api_key: 'k-1' })).toEqual({ 'X-API-Key': 'k-1' });
    expect(credentialHeaders('api_key', { api_key: 'k-1', header_name: 'X-Custom-Key' })).toEqual({
      'X-Custom-Key': 'k-1',
    });
    // A header name the HTTP client would reject falls back to the default one.
    expect(credentialHeaders('api_key', { api_key: 'k-1', header_name: 'Bad Name:' })).toEqual({
      'X-API-Key': 'k-1',
    });
  });

  it('sends basic credentials base64-encoded', () => {
    const headers = credentialHeaders('basic', { username: 'alice', password: 'p:ss wörd' });
    expect(headers).toEqual({
      Authorization: `Basic ${Buffer.from('alice:p:ss wörd').toString('base64')}`,
    });
    expect(Buffer.from(headers.Authorization.slice(6), 'base64').toString()).toBe(
      'alice:p:ss wörd',
    );
  });

  it('sends a raw Authorization value given as value or token', () => {
    expect(credentialHeaders('authorization', { value: 'Token abc' })).toEqual({
      Authorization: 'Token abc',
    });
    expect(credentialHeaders('authorization', { token: 'Digest xyz' })).toEqual({
      Authorization: 'Digest xyz',
    });
  });

  it('sends an OAuth access token as a bearer token', () => {
    expect(credentialHeaders('oauth', { access_token: 'at-9', refresh_token: 'rt' })).toEqual({
      Authorization: 'Bearer at-9',
    });
  });

  it('sends nothing for none, unknown types or missing and unsafe values', () => {
    expect(credentialHeaders('none', { token: 'x' })).toEqual({});
    expect(credentialHeaders('kerberos', { token: 'x' })).toEqual({});
    expect(credentialHeaders('bearer_token', null)).toEqual({});
    expect(credentialHeaders('bearer_token', undefined)).toEqual({});
    expect(credentialHeaders('bearer_token', { token: 42 })).toEqual({});
    expect(credentialHeaders('bearer_token', { token: 'a\r\nX-Injected: 1' })).toEqual({});
    expect(credentialHeaders('basic', { password: 'only' })).toEqual({});
  });
});
