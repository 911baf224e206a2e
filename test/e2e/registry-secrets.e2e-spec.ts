import { SecretBox } from '@app/crypto';
import { createKey, createOrg } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const ENV_SECRET = 'env-secret-9f8e7d6c5b4a';
const OTHER_ENV_SECRET = 'env-other-secret-1a2b3c';
const TOKEN_SECRET = 'cred-token-0a1b2c3d4e5f';
const PASSWORD_SECRET = 'cred-password-6g7h8i9j';
const SECRETS = [ENV_SECRET, OTHER_ENV_SECRET, TOKEN_SECRET, PASSWORD_SECRET];

/** The request fields of a response, as a client would send them back on PUT. */
function toRequestBody(response: Record<string, unknown>): Record<string, unknown> {
  const fields = [
    'server_id',
    'server_name',
    'alias',
    'description',
    'transport',
    'spec_version',
    'auth_type',
    'url',
    'mcp_info',
    'mcp_access_groups',
    'command',
    'args',
    'env',
    'credentials',
    'allowed_tools',
    'health_check_enabled',
  ];
  return Object.fromEntries(fields.map((field) => [field, response[field]]));
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('server registry secrets', () => {
  let t: TestApp;
  let box: SecretBox;
  let orgId: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    box = t.app.get(SecretBox);
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    orgId = (await createOrg(t)).organization_id;
    admin = (await createKey(t, { organizationId: orgId, role: 'org_admin' })).key;
  });

  async function storedRow(serverId: string) {
    const [row] = await t.dataSource.query('SELECT * FROM mcp_servers WHERE server_id = ?', [
      serverId,
    ]);
    return row as Record<string, unknown>;
  }

  function openEnv(row: Record<string, unknown>) {
    return box.openJson(String(row.env_sealed), {
      resourceType: 'mcp_server.env',
      resourceId: String(row.server_id),
      organizationId: String(row.organization_id),
    });
  }

  function openCredentials(row: Record<string, unknown>) {
    return box.openJson(String(row.credentials_sealed), {
      resourceType: 'mcp_server.credentials',
      resourceId: String(row.server_id),
      organizationId: String(row.organization_id),
    });
  }

  async function createSecretServer(serverName = 'Secretive') {
    const created = await t.request('POST', '/v1/mcp/server', {
      key: admin,
      body: {
        server_id: `secret-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
        server_name: serverName,
        transport: 'sse',
        url: 'https://mcp.example.com/sse',
        env: { API_TOKEN: ENV_SECRET, OTHER: OTHER_ENV_SECRET },
        auth_type: 'basic',
        credentials: { username: 'svc', password: PASSWORD_SECRET },
      },
    });
    expect(created.status).toBe(201);
    return created;
  }

  it('never returns, stores in clear, audits or logs env values and credentials', async () => {
    const created = await createSecretServer();
    const id = created.body.server_id;
    expect(created.body.env).toEqual({ API_TOKEN: '****', OTHER: '****' });
    expect(created.body.credentials).toEqual({ type: 'basic', username: '****', password: '****' });
    expect(created.body.has_credentials).toBe(true);

    const texts = [created.text];
    texts.push((await t.request('GET', `/v1/mcp/server/${id}`, { key: admin })).text);
    texts.push((await t.request('GET', '/v1/mcp/server', { key: admin })).text);
    const service = (await createKey(t, { organizationId: orgId, role: 'service' })).key;
    texts.push((await t.request('GET', `/v1/mcp/server/${id}`, { key: service })).text);
    texts.push(
      (
        await t.request('PUT', '/v1/mcp/server', {
          key: admin,
          body: { ...toRequestBody(created.body), description: 'changed' },
        })
      ).text,
    );
    texts.push(
      (
        await t.request('PUT', '/v1/mcp/server', {
          key: admin,
          body: { ...toRequestBody(created.body), env: { API_TOKEN: 42 } },
        })
      ).text,
    );
    for (const text of texts) expectNoSecret(text);

    const row = await storedRow(id);
    expectNoSecret(JSON.stringify(row));
    expect(String(row.env_sealed)).toMatch(/^v1\./);
    expect(String(row.credentials_sealed)).toMatch(/^v1\./);
    const audit = await t.dataSource.query(
      'SELECT changes FROM audit_events WHERE resource_id = ?',
      [id],
    );
    expect(audit.length).toBeGreaterThan(0);
    expectNoSecret(JSON.stringify(audit));
    expectNoSecret(t.logs.join('\n'));
  });

  it('keeps stored values when a GET response is edited and sent back with its masks', async () => {
    const created = await createSecretServer();
    const id = created.body.server_id;
    const fetched = await t.request('GET', `/v1/mcp/server/${id}`, { key: admin });
    const put = await t.request('PUT', '/v1/mcp/server', {
      key: admin,
      body: { ...toRequestBody(fetched.body), description: 'Edited one field' },
    });
    expect(put.status).toBe(202);
    expect(put.body.description).toBe('Edited one field');
    const row = await storedRow(id);
    expect(openEnv(row)).toEqual({ API_TOKEN: ENV_SECRET, OTHER: OTHER_ENV_SECRET });
    expect(openCredentials(row)).toEqual({
      type: 'basic',
      username: 'svc',
      password: PASSWORD_SECRET,
    });
  });

  it('replaces only the values sent in clear and drops keys left out', async () => {
    const created = await createSecretServer();
    const id = created.body.server_id;
    const put = await t.request('PUT', '/v1/mcp/server', {
      key: admin,
      body: {
        ...toRequestBody(created.body),
        env: { API_TOKEN: '****', NEW_VAR: 'fresh' },
        credentials: { username: 'other-user', password: '****' },
      },
    });
    expect(put.status).toBe(202);
    expect(put.body.env).toEqual({ API_TOKEN: '****', NEW_VAR: '****' });
    const row = await storedRow(id);
    expect(openEnv(row)).toEqual({ API_TOKEN: ENV_SECRET, NEW_VAR: 'fresh' });
    expect(openCredentials(row)).toEqual({
      type: 'basic',
      username: 'other-user',
      password: PASSWORD_SECRET,
    });
  });

  it('rejects a mask with no stored value behind it', async () => {
    const created = await createSecretServer();
    const put = await t.request('PUT', '/v1/mcp/server', {
      key: admin,
      body: { ...toRequestBody(created.body), env: { UNKNOWN: '****' } },
    });
    expect(put.status).toBe(400);
    expect(put.body.error.details.fields).toEqual([
      { field: 'env.UNKNOWN', message: expect.any(String) },
    ]);
    const post = await t.request('POST', '/v1/mcp/server', {
      key: admin,
      body: {
        server_name: 'Masked',
        url: 'https://a.example.com',
        auth_type: 'bearer_token',
        credentials: { token: '****' },
      },
    });
    expect(post.status).toBe(400);
    expect(post.body.error.details.fields[0].field).toBe('credentials.token');
    const row = await storedRow(created.body.server_id);
    expect(openEnv(row)).toEqual({ API_TOKEN: ENV_SECRET, OTHER: OTHER_ENV_SECRET });
  });

  it('clears env and credentials when a PUT leaves them out', async () => {
    const created = await createSecretServer();
    const body = toRequestBody(created.body);
    delete body.env;
    delete body.credentials;
    const put = await t.request('PUT', '/v1/mcp/server', {
      key: admin,
      body: { ...body, auth_type: 'none' },
    });
    expect(put.status).toBe(202);
    expect(put.body).toMatchObject({ env: {}, credentials: null, has_credentials: false });
    const row = await storedRow(created.body.server_id);
    expect(row.env_sealed).toBeNull();
    expect(row.credentials_sealed).toBeNull();
  });

  it('binds sealed values to their server: a ciphertext copied to another row does not open', async () => {
    const first = await createSecretServer();
    const second = await createSecretServer('Secretive Two');
    const source = await storedRow(first.body.server_id);
    const target = await storedRow(second.body.server_id);
    expect(() => openEnv({ ...target, env_sealed: source.env_sealed })).toThrow();
  });
});
