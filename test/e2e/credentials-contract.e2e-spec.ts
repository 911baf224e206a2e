import { createKey, createOrg, unique } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

type Case = [name: string, authType: string, credentials: Record<string, unknown>];

const OAUTH = {
  type: 'oauth',
  access_token: 'access-1',
  refresh_token: 'refresh-1',
  expires_at: '2030-01-01T00:00:00.000Z',
  token_url: 'https://auth.example.com/token',
  client_id: 'client-1',
  client_secret: 'client-secret-1',
  scopes: ['repo', 'read:org'],
};

const ACCEPTED: Case[] = [
  ['bearer without type', 'bearer_token', { token: 'tok-1' }],
  ['bearer with its type', 'bearer_token', { type: 'bearer', token: 'tok-1' }],
  ['api_key with a header name', 'api_key', { api_key: 'k-1', header_name: 'X-Token' }],
  ['every oauth field', 'oauth', OAUTH],
  ['oauth expiry in Unix seconds', 'oauth', { access_token: 'a', expires_at: 1893456000 }],
];

/** [case, the one field both APIs name] */
const REFUSED: [...Case, string][] = [
  ['bearer typed as its auth_type', 'bearer_token', { type: 'bearer_token', token: 't' }, 'type'],
  ['bearer without token', 'bearer_token', { type: 'bearer' }, 'token'],
  ['a token with a line break', 'bearer_token', { token: 'a\r\nX-Evil: 1' }, 'token'],
  ['an unknown field', 'oauth', { access_token: 'a', password: 'x' }, 'password'],
  [
    'a header name with a space',
    'api_key',
    { api_key: 'k', header_name: 'Bad Header' },
    'header_name',
  ],
  [
    'an RFC 2822 expiry',
    'oauth',
    { access_token: 'a', expires_at: 'Tue, 01 Jan 2030 00:00:00 GMT' },
    'expires_at',
  ],
  [
    'a fractional Unix expiry',
    'oauth',
    { access_token: 'a', expires_at: 1893456000.5 },
    'expires_at',
  ],
  [
    'an http token_url',
    'oauth',
    { access_token: 'a', token_url: 'http://auth.example.com' },
    'token_url',
  ],
  [
    'a client_id over 512 characters',
    'oauth',
    { access_token: 'a', client_id: 'c'.repeat(513) },
    'client_id',
  ],
  ['a null optional field', 'oauth', { access_token: 'a', refresh_token: null }, 'refresh_token'],
];

/** Both APIs validate credentials with one schema: the same body gets the same answer. */
describe('one credentials contract for configurations and the registry', () => {
  let t: TestApp;
  let admin: string;
  let organizationId: string;

  beforeAll(async () => {
    t = await startTestApp();
    organizationId = (await createOrg(t)).organization_id;
    admin = (await createKey(t, { organizationId, role: 'org_admin' })).key;
  });

  afterAll(async () => {
    await t.close();
  });

  function createConfiguration(authType: string, credentials: Record<string, unknown>) {
    return t.request('POST', '/v1/mcp-configurations', {
      key: admin,
      body: {
        name: `Contract ${unique()}`,
        server_url: 'https://mcp.example.com/mcp',
        transport_type: 'streamable_http',
        auth_type: authType,
        organization_id: organizationId,
        credentials,
      },
    });
  }

  function createServer(authType: string, credentials: Record<string, unknown>) {
    const suffix = unique();
    return t.request('POST', '/v1/mcp/server', {
      key: admin,
      body: {
        server_name: `Contract ${suffix}`,
        alias: `contract_${suffix}`,
        transport: 'streamable_http',
        url: 'https://mcp.example.com/mcp',
        auth_type: authType,
        credentials,
        health_check_enabled: false,
      },
    });
  }

  it.each(ACCEPTED)('both accept %s', async (_name, authType, credentials) => {
    const configuration = await createConfiguration(authType, credentials);
    expect(configuration.status).toBe(201);
    const server = await createServer(authType, credentials);
    expect(server.status).toBe(201);

    const stored = await t.request(
      'GET',
      `/v1/mcp-configurations/${configuration.body.id}/credentials`,
      { key: admin },
    );
    expect(stored.status).toBe(200);
    const expected: Record<string, unknown> = {
      ...credentials,
      type: stored.body.credentials.type,
    };
    if (authType === 'api_key') expected.header_name ??= 'X-API-Key';
    expect(stored.body.credentials).toEqual(expected);
    // The registry shows the same field names, masked.
    expect(Object.keys(server.body.credentials).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(REFUSED)(
    'both refuse %s, naming the field',
    async (_name, authType, credentials, field) => {
      for (const res of [
        await createConfiguration(authType, credentials),
        await createServer(authType, credentials),
      ]) {
        expect(res.status).toBe(400);
        expect(res.body.error.details.fields.map((item: { field: string }) => item.field)).toEqual([
          `credentials.${field}`,
        ]);
        expect(res.text).not.toContain('X-Evil');
      }
    },
  );
});
