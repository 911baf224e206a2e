import { randomBytes } from 'node:crypto';
import { createConfiguration, createKey, createOrg } from '../../support/factories';
import { startTestApp, TestApp } from '../../support/test-app';

const TOKEN = `ghp_${randomBytes(16).toString('hex')}`;

interface AuditRow {
  organization_id: string | null;
  actor_key_id: string;
  resource_id: string;
  changes: string;
}

/**
 * Issue 11 item 9: API.md §3 says every call of GET …/credentials is audited. Before the fix a
 * refused one (403 by role, 404 for another organization's or an unknown id) left no trace, so
 * a key probing for credentials was invisible. A refusal is recorded in the caller's own
 * organization and says no more than the response did.
 */
describe('attack: probing for decrypted credentials leaves a trail', () => {
  let t: TestApp;
  let victimOrg: string;
  let attackerOrg: string;
  let configurationId: string;

  beforeAll(async () => {
    t = await startTestApp();
    victimOrg = (await createOrg(t)).organization_id;
    attackerOrg = (await createOrg(t)).organization_id;
    const owner = await createKey(t, { organizationId: victimOrg, role: 'member' });
    const created = await createConfiguration(t, owner.key, victimOrg, {
      name: 'GitHub',
      server_url: 'https://mcp.github.example.com',
      transport_type: 'sse',
      credentials: { token: TOKEN },
    });
    configurationId = created.id;
  });
  afterAll(async () => {
    await t.close();
  });

  async function readAudits(actorKeyId: string): Promise<AuditRow[]> {
    return t.dataSource.query(
      "SELECT organization_id, actor_key_id, resource_id, changes FROM audit_events WHERE action = 'mcp_configuration.credentials.read' AND actor_key_id = ? ORDER BY created_at, id",
      [actorKeyId],
    );
  }

  /** The envelope without what differs per request. */
  function shape(body: { error: Record<string, unknown> }) {
    const { trace_id: _trace, timestamp: _time, ...rest } = body.error;
    return rest;
  }

  it('audits another organization’s admin asking for them (404, same as an unknown id)', async () => {
    const attacker = await createKey(t, { organizationId: attackerOrg, role: 'org_admin' });
    const unknownId = `mcp_${randomBytes(16).toString('hex')}`;
    const theirs = await t.request('GET', `/v1/mcp-configurations/${configurationId}/credentials`, {
      key: attacker.key,
    });
    const made = await t.request('GET', `/v1/mcp-configurations/${unknownId}/credentials`, {
      key: attacker.key,
    });
    expect(theirs.status).toBe(404);
    expect(shape(theirs.body)).toEqual(shape(made.body));
    expect(theirs.text).not.toContain(TOKEN);

    const events = await readAudits(attacker.key_id);
    expect(events).toHaveLength(2);
    expect(events).toEqual(
      expect.arrayContaining([
        {
          organization_id: attackerOrg,
          actor_key_id: attacker.key_id,
          resource_id: configurationId,
          changes: expect.any(String),
        },
        {
          organization_id: attackerOrg,
          actor_key_id: attacker.key_id,
          resource_id: unknownId,
          changes: expect.any(String),
        },
      ]),
    );
    // The attacker's own admins can list these; they read alike for a real and a made-up id.
    const listed = await t.request(
      'GET',
      '/v1/audit-events?action=mcp_configuration.credentials.read',
      { key: attacker.key },
    );
    expect(listed.status).toBe(200);
    const refusals = listed.body.audit_events;
    expect(
      refusals.map((event: { changes: unknown; resource_id: string }) => event.changes),
    ).toEqual([
      { outcome: 'refused', reason: 'not_found' },
      { outcome: 'refused', reason: 'not_found' },
    ]);
  });

  it.each([['member'], ['viewer'], ['health_monitor']] as const)(
    'audits a %s of the organization asking for them (403)',
    async (role) => {
      const key = await createKey(t, { organizationId: victimOrg, role });
      const res = await t.request('GET', `/v1/mcp-configurations/${configurationId}/credentials`, {
        key: key.key,
      });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
      expect(res.text).not.toContain(TOKEN);
      const [event, ...more] = await readAudits(key.key_id);
      expect(more).toEqual([]);
      expect(event).toMatchObject({ organization_id: victimOrg, resource_id: configurationId });
      expect(JSON.parse(event.changes)).toEqual({ outcome: 'refused', reason: 'role_not_allowed' });
    },
  );

  it('records a hostile id without failing or storing it as sent', async () => {
    const attacker = await createKey(t, { organizationId: attackerOrg, role: 'service' });
    const hostile = encodeURIComponent(`mcp_' OR '1'='1 --<script>\u0000${'x'.repeat(40)}`);
    const res = await t.request('GET', `/v1/mcp-configurations/${hostile}/credentials`, {
      key: attacker.key,
    });
    expect(res.status).toBe(404);
    const events = await readAudits(attacker.key_id);
    expect(events.map((event) => event.resource_id)).toEqual(['(invalid id)']);
  });

  it('still audits the read it allows, with no secret in the trail', async () => {
    const service = await createKey(t, { organizationId: victimOrg, role: 'service' });
    const res = await t.request('GET', `/v1/mcp-configurations/${configurationId}/credentials`, {
      key: service.key,
    });
    expect(res.status).toBe(200);
    expect(res.body.credentials).toEqual({ type: 'bearer', token: TOKEN });
    const events = await readAudits(service.key_id);
    expect(events.map((event) => JSON.parse(event.changes))).toEqual([{ outcome: 'ok' }]);
    const all = await t.dataSource.query('SELECT changes FROM audit_events');
    expect(JSON.stringify(all)).not.toContain(TOKEN);
  });
});
