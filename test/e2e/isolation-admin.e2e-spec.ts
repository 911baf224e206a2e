import {
  ApiKeyBody,
  createKey,
  createOrg,
  createTeam,
  OrganizationBody,
  TeamBody,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('organization isolation of the admin routes', () => {
  let t: TestApp;
  let orgA: OrganizationBody;
  let adminA: ApiKeyBody;
  let memberA: ApiKeyBody;
  let teamA: TeamBody;
  let adminB: ApiKeyBody;

  beforeAll(async () => {
    t = await startTestApp();
    orgA = await createOrg(t, 'Org A');
    const orgB = await createOrg(t, 'Org B');
    teamA = await createTeam(t, orgA.organization_id, ['secret-group'], 'Team A');
    adminA = await createKey(t, { organizationId: orgA.organization_id, role: 'org_admin' });
    memberA = await createKey(t, {
      organizationId: orgA.organization_id,
      role: 'member',
      teamIds: [teamA.team_id],
    });
    adminB = await createKey(t, { organizationId: orgB.organization_id, role: 'org_admin' });
    await createTeam(t, orgB.organization_id, [], 'Team B');
  });
  afterAll(async () => {
    await t.close();
  });

  const asB = (method: string, path: string, body?: unknown) =>
    t.request(method, path, { key: adminB.key, body });

  it("answers 404 for another organization's API keys, whatever the method", async () => {
    for (const [method, path] of [
      ['GET', `/v1/api-keys/${memberA.key_id}`],
      ['DELETE', `/v1/api-keys/${memberA.key_id}`],
      ['POST', `/v1/api-keys/${memberA.key_id}/rotate`],
    ]) {
      const res = await asB(method, path);
      expect({ method, path, status: res.status, code: res.body.error?.code }).toEqual({
        method,
        path,
        status: 404,
        code: 'NOT_FOUND',
      });
    }
    const stillWorks = await t.request('GET', '/v1/me', { key: memberA.key });
    expect(stillWorks.status).toBe(200);
  });

  it("answers 404 for another organization's teams, whatever the method", async () => {
    for (const [method, path, body] of [
      ['GET', `/v1/teams/${teamA.team_id}`, undefined],
      ['PUT', `/v1/teams/${teamA.team_id}`, { name: 'Taken over', access_groups: [] }],
      ['DELETE', `/v1/teams/${teamA.team_id}`, undefined],
    ] as const) {
      const res = await asB(method, path, body);
      expect({ method, status: res.status }).toEqual({ method, status: 404 });
    }
    const intact = await t.request('GET', `/v1/teams/${teamA.team_id}`, { key: adminA.key });
    expect(intact.body).toMatchObject({ name: 'Team A', access_groups: ['secret-group'] });
  });

  it("never lists another organization's keys, teams or audit events", async () => {
    const keys = await asB('GET', '/v1/api-keys?limit=100');
    expect(keys.status).toBe(200);
    expect(keys.body.api_keys.length).toBeGreaterThan(0);
    expect(
      keys.body.api_keys.every(
        (k: { organization_id: string }) => k.organization_id === adminB.organization_id,
      ),
    ).toBe(true);

    const teams = await asB('GET', '/v1/teams?limit=100');
    expect(teams.body.teams.map((team: { name: string }) => team.name)).toEqual(['Team B']);

    const events = await asB('GET', '/v1/audit-events?limit=100');
    expect(events.body.audit_events.length).toBeGreaterThan(0);
    expect(
      events.body.audit_events.every(
        (e: { organization_id: string }) => e.organization_id === adminB.organization_id,
      ),
    ).toBe(true);
    const byId = await asB('GET', `/v1/audit-events?resource_id=${teamA.team_id}`);
    expect(byId.body.audit_events).toEqual([]);
  });

  it('answers 404 when a list names another organization', async () => {
    for (const path of ['/v1/api-keys', '/v1/teams', '/v1/audit-events']) {
      const res = await asB('GET', `${path}?organization_id=${orgA.organization_id}`);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });

  it('answers 403 when creating in another organization, and 400 for its teams', async () => {
    const key = await asB('POST', '/v1/api-keys', {
      name: 'intruder',
      organization_id: orgA.organization_id,
      role: 'org_admin',
    });
    expect(key.status).toBe(403);
    expect(key.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
    const team = await asB('POST', '/v1/teams', {
      name: 'intruders',
      organization_id: orgA.organization_id,
      access_groups: [],
    });
    expect(team.status).toBe(403);
    const viaTeam = await asB('POST', '/v1/api-keys', {
      name: 'borrowed team',
      role: 'member',
      team_ids: [teamA.team_id],
    });
    expect(viaTeam.status).toBe(400);
    expect(viaTeam.body.error.details.fields[0].field).toBe('team_ids');
    const platform = await asB('POST', '/v1/api-keys', { name: 'root', role: 'platform_admin' });
    expect(platform.status).toBe(403);
  });

  it("shows a platform admin every organization's rows", async () => {
    const keys = await t.request('GET', '/v1/api-keys?limit=100');
    const organizations = new Set(
      keys.body.api_keys.map((k: { organization_id: string }) => k.organization_id),
    );
    expect(organizations).toEqual(new Set([null, orgA.organization_id, adminB.organization_id]));
    const teams = await t.request('GET', `/v1/teams?organization_id=${orgA.organization_id}`);
    expect(teams.body.teams.map((team: { team_id: string }) => team.team_id)).toEqual([
      teamA.team_id,
    ]);
  });
});
