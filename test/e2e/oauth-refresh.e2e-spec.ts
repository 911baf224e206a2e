import { randomBytes } from 'node:crypto';
import { SecretBox } from '@app/crypto';
import { SEALED_RESOURCE_TYPES } from '@app/dal';
import { OAuthTokenClient } from '@app/mcp-probe';
import { createKey, createOrg } from '../support/factories';
import { RunningMcpServer, startMcpServer, testTls } from '../support/mcp-servers';
import { RunningOAuthServer, startOAuthServer } from '../support/oauth-server';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(30_000);

const CLIENT_ID = 'registry-probe';
const CLIENT_SECRET = `cs_${randomBytes(16).toString('hex')}`;
const EXPIRED = () => new Date(Date.now() - 60_000).toISOString();
const LATER = () => new Date(Date.now() + 3_600_000).toISOString();
const POLICY = {
  timeoutMs: 3_000,
  allowLoopback: true,
  denyPrivateNetworks: false,
  stdioEnabled: false,
  stdioAllowlist: [],
};

/** The request fields of a registry response, masks included (GET → edit → PUT). */
function requestBodyOf(response: Record<string, unknown>): Record<string, unknown> {
  const fields = ['server_id', 'server_name', 'alias', 'description', 'transport', 'spec_version'];
  fields.push('auth_type', 'url', 'mcp_info', 'mcp_access_groups', 'credentials');
  return Object.fromEntries(fields.map((field) => [field, response[field]]));
}

function unique(): string {
  return randomBytes(4).toString('hex');
}

/**
 * OAuth-protected MCP servers stay healthy (issue 14, item 2): a real authorization server on
 * loopback (HTTPS, trusted through MCP_CA_FILE) and MCP servers that accept only its live tokens.
 */
describe('OAuth credentials that keep working (registry servers and configuration tests)', () => {
  const tls = testTls();
  let t: TestApp;
  let as: RunningOAuthServer;
  let mcp: RunningMcpServer;
  let refusing: RunningMcpServer;

  beforeAll(async () => {
    as = await startOAuthServer({ tls: { key: tls.key, cert: tls.cert } });
    as.addClient(CLIENT_ID, CLIENT_SECRET);
    mcp = await startMcpServer({
      transport: 'streamable_http',
      tls: { key: tls.key, cert: tls.cert },
      acceptBearer: (token) => as.isValid(token),
      name: 'oauth-protected',
    });
    refusing = await startMcpServer({
      transport: 'streamable_http',
      acceptBearer: () => false,
    });
    t = await startTestApp({ MCP_CA_FILE: tls.caFile, HEALTH_CHECK_TIMEOUT_MS: '3000' });
  });
  afterAll(async () => {
    await t?.close();
    await mcp?.close();
    await refusing?.close();
    await as?.close();
  });

  async function orgAdmin() {
    const org = await createOrg(t);
    const admin = await createKey(t, { organizationId: org.organization_id, role: 'org_admin' });
    return { organizationId: org.organization_id, admin: admin.key };
  }

  async function register(
    admin: string,
    credentials: Record<string, unknown>,
    url = mcp.url,
  ): Promise<string> {
    const suffix = unique();
    const res = await t.request('POST', '/v1/mcp/server', {
      key: admin,
      body: {
        server_name: `OAuth ${suffix}`,
        alias: `oauth_${suffix}`,
        transport: 'streamable_http',
        url,
        auth_type: 'oauth',
        credentials: { type: 'oauth', ...credentials },
      },
    });
    expect(res.status).toBe(201);
    return res.body.server_id;
  }

  const probe = (admin: string, id: string) =>
    t.request('POST', `/v1/mcp/server/${id}/health`, { key: admin });

  /** The server's credentials as stored, opened with the app's own SecretBox. */
  async function storedCredentials(id: string, organizationId: string) {
    const [row] = await t.dataSource.query(
      'SELECT credentials_sealed, credential_keys FROM mcp_servers WHERE server_id = ? AND organization_id = ?',
      [id, organizationId],
    );
    const credentials = t.app
      .get(SecretBox)
      .openJson<Record<string, unknown>>(row.credentials_sealed, {
        resourceType: SEALED_RESOURCE_TYPES.serverCredentials,
        resourceId: id,
        organizationId,
      });
    return { credentials, keys: JSON.parse(row.credential_keys) as string[] };
  }

  function refreshCall(refreshToken: string) {
    return as.callsOf('refresh_token').filter((call) => call.params.refresh_token === refreshToken);
  }

  function assertNoSecretLeaked(texts: string[], secrets: string[]) {
    const all = [...texts, ...t.logs].join('\n');
    for (const secret of secrets) expect(all).not.toContain(secret);
  }

  it('refreshes an expired access token, stores the rotated refresh token, audits it, and is healthy', async () => {
    const { organizationId, admin } = await orgAdmin();
    const oldAccess = as.issueAccessToken(-60);
    const oldRefresh = as.issueRefreshToken(CLIENT_ID);
    const id = await register(admin, {
      access_token: oldAccess,
      refresh_token: oldRefresh,
      expires_at: EXPIRED(),
      token_url: as.tokenUrl,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });

    const res = await probe(admin, id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'healthy',
      health_check_error: null,
      health_check_error_kind: null,
      tool_count: 3,
    });
    expect(refreshCall(oldRefresh)).toHaveLength(1);
    expect(refreshCall(oldRefresh)[0]).toMatchObject({ status: 200, clientAuth: 'basic' });

    const { credentials, keys } = await storedCredentials(id, organizationId);
    const newAccess = credentials.access_token as string;
    const newRefresh = credentials.refresh_token as string;
    expect(newAccess).not.toBe(oldAccess);
    expect(as.isValid(newAccess)).toBe(true);
    expect(newRefresh).toMatch(/^rt_/);
    expect(newRefresh).not.toBe(oldRefresh);
    expect(Date.parse(credentials.expires_at as string)).toBeGreaterThan(Date.now() + 3_000_000);
    // A refresh is not an edit: the masked field names (and the ETag) stay as written.
    expect(keys).toEqual([
      'access_token',
      'refresh_token',
      'expires_at',
      'token_url',
      'client_id',
      'client_secret',
    ]);

    // The spent refresh token is refused by the authorization server from now on.
    const reuse = new OAuthTokenClient({ ...POLICY, caFile: tls.caFile });
    await expect(
      reuse.requestToken({
        tokenUrl: as.tokenUrl,
        grant: { type: 'refresh_token', refreshToken: oldRefresh },
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
      }),
    ).rejects.toMatchObject({
      kind: 'auth_failed',
      message: expect.stringContaining('invalid_grant'),
    });

    // A second probe uses the stored token: no new refresh.
    const calls = as.calls.length;
    expect((await probe(admin, id)).body.status).toBe('healthy');
    expect(as.calls.length).toBe(calls);

    const audit = await t.request(
      'GET',
      `/v1/audit-events?action=credentials.refreshed&resource_id=${id}`,
      { key: admin },
    );
    expect(audit.body.audit_events).toEqual([
      expect.objectContaining({
        action: 'credentials.refreshed',
        resource_type: 'mcp_server',
        resource_id: id,
        organization_id: organizationId,
        changes: expect.objectContaining({
          grant_type: 'refresh_token',
          source: 'on_demand',
          refresh_token_rotated: true,
        }),
      }),
    ]);
    const read = await t.request('GET', `/v1/mcp/server/${id}`, { key: admin });
    expect(read.body.credentials).toMatchObject({
      type: 'oauth',
      access_token: '****',
      refresh_token: '****',
      client_secret: '****',
    });
    assertNoSecretLeaked(
      [res.text, audit.text, read.text],
      [oldAccess, oldRefresh, newAccess, newRefresh, CLIENT_SECRET],
    );
  });

  it('refreshes once when the server answers 401 to a token that has not expired by the clock', async () => {
    const { admin } = await orgAdmin();
    const refreshToken = as.issueRefreshToken(CLIENT_ID);
    const id = await register(admin, {
      access_token: 'revoked-by-the-server',
      refresh_token: refreshToken,
      expires_at: LATER(),
      token_url: as.tokenUrl,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    const res = await probe(admin, id);
    expect(res.body).toMatchObject({ status: 'healthy', health_check_error: null });
    expect(refreshCall(refreshToken)).toHaveLength(1);
  });

  it('reports a revoked refresh token as auth_failed, and the CI gate counts it unless told to ignore it', async () => {
    const { organizationId, admin } = await orgAdmin();
    const refreshToken = as.issueRefreshToken(CLIENT_ID);
    as.revokeRefreshToken(refreshToken);
    const id = await register(admin, {
      access_token: as.issueAccessToken(-60),
      refresh_token: refreshToken,
      expires_at: EXPIRED(),
      token_url: as.tokenUrl,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
    const res = await probe(admin, id);
    expect(res.body).toMatchObject({
      status: 'unhealthy',
      health_check_error_kind: 'auth_failed',
      health_check_error:
        'OAuth token refresh failed: the token endpoint refused the grant: invalid_grant (HTTP 400)',
    });
    // Nothing reached the MCP server with the expired token.
    expect(refreshCall(refreshToken)).toHaveLength(1);

    const monitor = (await createKey(t, { organizationId, role: 'health_monitor' })).key;
    const counted = await t.request('GET', '/v1/health/mcp?fail_on_unhealthy=true', {
      key: monitor,
    });
    expect(counted.status).toBe(503);
    expect(counted.body.error.details).toMatchObject({
      unhealthy: 1,
      auth_failures: 1,
      unhealthy_servers: [
        expect.objectContaining({ server_id: id, health_check_error_kind: 'auth_failed' }),
      ],
    });
    const ignored = await t.request(
      'GET',
      '/v1/health/mcp?fail_on_unhealthy=true&auth_failures=ignore',
      { key: monitor },
    );
    expect(ignored.status).toBe(200);
    expect(ignored.body).toEqual({
      total: 1,
      healthy: 0,
      unhealthy: 0,
      unknown: 0,
      auth_failures: 1,
      unhealthy_servers: [],
      drifted: 0,
      drifted_servers: [],
    });
    const invalid = await t.request('GET', '/v1/health/mcp?auth_failures=skip', { key: monitor });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.fields).toEqual([
      expect.objectContaining({ field: 'auth_failures' }),
    ]);
  });

  it('reports an expired token with nothing to renew it as auth_expired, without calling anyone', async () => {
    const { admin } = await orgAdmin();
    const calls = as.calls.length;
    const requests = mcp.requests;
    const id = await register(admin, {
      access_token: as.issueAccessToken(-60),
      expires_at: '2020-01-01T00:00:00.000Z',
    });
    const res = await probe(admin, id);
    expect(res.body).toMatchObject({
      status: 'unhealthy',
      health_check_error_kind: 'auth_expired',
      health_check_error:
        'the OAuth access token expired at 2020-01-01T00:00:00.000Z and no token_url is stored to renew it at',
    });
    expect(as.calls.length).toBe(calls);
    expect(mcp.requests).toBe(requests);
  });

  it('says auth_failed when the server still refuses the token after a refresh', async () => {
    const { admin } = await orgAdmin();
    const refreshToken = as.issueRefreshToken(CLIENT_ID);
    const id = await register(
      admin,
      {
        access_token: as.issueAccessToken(),
        refresh_token: refreshToken,
        token_url: as.tokenUrl,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      },
      refusing.url,
    );
    const res = await probe(admin, id);
    expect(res.body).toMatchObject({
      status: 'unhealthy',
      health_check_error_kind: 'auth_failed',
      health_check_error:
        'credentials were rejected by the server (HTTP 401) after an OAuth token refresh',
    });
    expect(refreshCall(refreshToken)).toHaveLength(1);
  });

  it('obtains a token with the client_credentials grant (scope, audience, resource) and reuses it', async () => {
    const { organizationId, admin } = await orgAdmin();
    const before = as.callsOf('client_credentials').length;
    const id = await register(admin, {
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      token_url: as.tokenUrl,
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'mcp:tools mcp:read',
      audience: 'https://mcp.example.test',
      resource: mcp.url,
    });
    const res = await probe(admin, id);
    expect(res.body).toMatchObject({ status: 'healthy', tool_count: 3 });
    const grants = as.callsOf('client_credentials').slice(before);
    expect(grants).toEqual([
      expect.objectContaining({
        status: 200,
        clientAuth: 'post',
        params: expect.objectContaining({
          scope: 'mcp:tools mcp:read',
          audience: 'https://mcp.example.test',
          resource: mcp.url,
        }),
      }),
    ]);
    const { credentials } = await storedCredentials(id, organizationId);
    expect(as.isValid(credentials.access_token as string)).toBe(true);
    expect(credentials.refresh_token).toBeUndefined();
    expect((await probe(admin, id)).body.status).toBe('healthy');
    expect(as.callsOf('client_credentials').length).toBe(before + 1);

    const read = await t.request('GET', `/v1/mcp/server/${id}`, { key: admin });
    expect(read.body.credentials).toEqual({
      type: 'oauth',
      grant_type: '****',
      token_url: '****',
      client_id: '****',
      client_secret: '****',
      token_endpoint_auth_method: '****',
      scopes: '****',
      audience: '****',
      resource: '****',
    });
    // GET, edit, PUT it back with the masks: the stored secrets stay and the probe still works.
    const put = await t.request('PUT', '/v1/mcp/server', {
      key: admin,
      body: { ...requestBodyOf(read.body), description: 'edited' },
    });
    expect(put.status).toBe(202);
    expect((await probe(admin, id)).body.status).toBe('healthy');
    assertNoSecretLeaked(
      [res.text, read.text],
      [CLIENT_SECRET, credentials.access_token as string],
    );
  });

  it('names a refused client secret as auth_failed', async () => {
    const { admin } = await orgAdmin();
    const id = await register(admin, {
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: 'not-the-secret',
      token_url: as.tokenUrl,
    });
    expect((await probe(admin, id)).body).toMatchObject({
      status: 'unhealthy',
      health_check_error_kind: 'auth_failed',
      health_check_error:
        'OAuth client_credentials grant failed: the token endpoint refused the grant: invalid_client (HTTP 401)',
    });
  });

  it('refuses a token endpoint the target policy refuses, before connecting', async () => {
    const { admin } = await orgAdmin();
    const id = await register(admin, {
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      token_url: 'https://169.254.169.254/latest/token',
    });
    const res = await probe(admin, id);
    expect(res.body.status).toBe('unhealthy');
    expect(res.body.health_check_error_kind).toBe('target_refused');
    expect(res.body.health_check_error).toMatch(
      /^OAuth client_credentials grant failed: token endpoint: target refused: .*metadata/,
    );
  });

  describe('the configuration test route', () => {
    async function configure(admin: string, organizationId: string, credentials: object) {
      const res = await t.request('POST', '/v1/mcp-configurations', {
        key: admin,
        body: {
          name: `OAuth config ${unique()}`,
          server_url: mcp.url,
          transport_type: 'streamable_http',
          auth_type: 'oauth',
          organization_id: organizationId,
          credentials: { type: 'oauth', ...credentials },
        },
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    }

    it('refreshes an expired token, stores the rotation and connects', async () => {
      const { organizationId, admin } = await orgAdmin();
      const oldRefresh = as.issueRefreshToken(CLIENT_ID);
      const id = await configure(admin, organizationId, {
        access_token: as.issueAccessToken(-60),
        refresh_token: oldRefresh,
        expires_at: Math.floor(Date.now() / 1000) - 60,
        token_url: as.tokenUrl,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
      const res = await t.request('POST', `/v1/mcp-configurations/${id}/test`, { key: admin });
      expect(res.body).toMatchObject({ connectionStatus: 'connected', errorMessage: null });
      expect(refreshCall(oldRefresh)).toHaveLength(1);

      const stored = await t.request('GET', `/v1/mcp-configurations/${id}/credentials`, {
        key: admin,
      });
      expect(stored.status).toBe(200);
      const credentials = stored.body.credentials ?? stored.body;
      expect(as.isValid(credentials.access_token)).toBe(true);
      expect(credentials.refresh_token).not.toBe(oldRefresh);
      expect(credentials.refresh_token).toMatch(/^rt_/);
      const audit = await t.request(
        'GET',
        `/v1/audit-events?action=credentials.refreshed&resource_id=${id}`,
        { key: admin },
      );
      expect(audit.body.audit_events).toEqual([
        expect.objectContaining({
          resource_type: 'mcp_configuration',
          changes: expect.objectContaining({ source: 'configuration_test' }),
        }),
      ]);
      assertNoSecretLeaked([res.text], [oldRefresh, credentials.access_token, CLIENT_SECRET]);
    });

    it('reports a revoked refresh token and a missing way to renew', async () => {
      const { organizationId, admin } = await orgAdmin();
      const revoked = as.issueRefreshToken(CLIENT_ID);
      as.revokeRefreshToken(revoked);
      const failing = await configure(admin, organizationId, {
        access_token: 'expired-access',
        refresh_token: revoked,
        expires_at: EXPIRED(),
        token_url: as.tokenUrl,
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
      const res = await t.request('POST', `/v1/mcp-configurations/${failing}/test`, {
        key: admin,
      });
      expect(res.body).toMatchObject({
        connectionStatus: 'error',
        errorMessage:
          'OAuth token refresh failed: the token endpoint refused the grant: invalid_grant (HTTP 400)',
      });
      const stale = await configure(admin, organizationId, {
        access_token: 'expired-access',
        expires_at: EXPIRED(),
        token_url: as.tokenUrl,
      });
      const expired = await t.request('POST', `/v1/mcp-configurations/${stale}/test`, {
        key: admin,
      });
      expect(expired.body.connectionStatus).toBe('error');
      expect(expired.body.errorMessage).toMatch(
        /^the OAuth access token expired at .* and no refresh token is stored to renew it$/,
      );
    });

    it('works with the client_credentials grant', async () => {
      const { organizationId, admin } = await orgAdmin();
      const id = await configure(admin, organizationId, {
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        token_url: as.tokenUrl,
      });
      const res = await t.request('POST', `/v1/mcp-configurations/${id}/test`, { key: admin });
      expect(res.body).toMatchObject({ connectionStatus: 'connected', errorMessage: null });
    });
  });

  it('refuses incomplete client_credentials in both APIs, naming the field', async () => {
    const { organizationId, admin } = await orgAdmin();
    const credentials = {
      type: 'oauth',
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      token_url: as.tokenUrl,
    };
    const configuration = await t.request('POST', '/v1/mcp-configurations', {
      key: admin,
      body: {
        name: `Incomplete ${unique()}`,
        server_url: mcp.url,
        transport_type: 'streamable_http',
        auth_type: 'oauth',
        organization_id: organizationId,
        credentials,
      },
    });
    const suffix = unique();
    const server = await t.request('POST', '/v1/mcp/server', {
      key: admin,
      body: {
        server_name: `Incomplete ${suffix}`,
        alias: `incomplete_${suffix}`,
        transport: 'streamable_http',
        url: mcp.url,
        auth_type: 'oauth',
        credentials,
      },
    });
    for (const res of [configuration, server]) {
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields).toEqual([
        {
          field: 'credentials.client_secret',
          message: 'is required when grant_type is client_credentials',
        },
      ]);
    }
  });
});
