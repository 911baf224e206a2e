import { createKey, createOrg } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

// One app in this file: the captured log lines are this app's alone.
describe('API key secrets', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'debug' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('never appear in a response other than create/rotate, nor in any log line', async () => {
    const org = await createOrg(t);
    const created = await createKey(t, { organizationId: org.organization_id, role: 'org_admin' });
    const member = await createKey(t, { organizationId: org.organization_id, role: 'member' });
    const rotated = await t.request('POST', `/v1/api-keys/${created.key_id}/rotate`);
    expect(rotated.status).toBe(201);
    const revoked = await createKey(t, { organizationId: org.organization_id, role: 'viewer' });
    await t.request('DELETE', `/v1/api-keys/${revoked.key_id}`);
    const secrets = [t.adminKey, created.key, rotated.body.key, member.key, revoked.key];

    const responses = [
      await t.request('GET', '/v1/me', { key: rotated.body.key }),
      await t.request('GET', '/v1/me', { key: created.key }),
      await t.request('GET', '/v1/me', { key: revoked.key }),
      await t.request('GET', '/v1/api-keys', { key: member.key }),
      await t.request('GET', `/v1/api-keys/${created.key_id}`),
      await t.request('GET', `/v1/api-keys/${member.key_id}`, { key: rotated.body.key }),
      await t.request('GET', '/v1/api-keys'),
      await t.request('GET', '/v1/audit-events'),
      await t.request('GET', '/v1/me', {
        key: null,
        headers: { authorization: `Bearer ${member.key}` },
      }),
      await t.request('GET', `/v1/me?key=${member.key}`, { key: member.key }),
      await t.request('POST', '/v1/teams', { key: member.key, body: { name: member.key } }),
      await t.request('GET', '/nope', { key: member.key }),
    ];
    for (const res of responses) {
      for (const secret of secrets) expect(res.text).not.toContain(secret);
    }

    // Every request above has its log line once the last one (GET /nope) has.
    await waitFor(() => t.logs.some((line) => line.includes('"/nope"')), 2_000, {
      what: 'the log line of the last request',
    });
    expect(t.logs.some((line) => line.includes('/v1/api-keys'))).toBe(true);
    for (const secret of secrets) {
      expect(t.logs.filter((line) => line.includes(secret.slice(3)))).toEqual([]);
    }
  });
});
