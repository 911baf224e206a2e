import { allOrganizations, OneOrganization } from '@app/core';
import { DalDatabase, openDalDatabase } from '../../../../test/support/dal-database';
import { unique } from '../../../../test/support/factories';
import { ApiKeyRepository } from './api-key.repository';
import { AuditEventRepository } from './audit-event.repository';
import { HealthCheckConfigurationRepository } from './health-check-configuration.repository';
import { McpConfigurationRepository, NewMcpConfiguration } from './mcp-configuration.repository';
import { RegistryRevisionRepository } from './registry-revision.repository';
import { TeamRepository } from './team.repository';

/**
 * Repository-level isolation: a repository handed organization A's scope never reads, updates
 * or deletes organization B's rows, whatever id it is given. Runs on the suite's database
 * (SQLite, or MySQL with DATABASE_URL). Registry servers and health: mcp-server/.
 */
describe('repositories keep to the organization of their scope', () => {
  const EVERY = allOrganizations({ role: 'platform_admin', organizationId: null });
  let db: DalDatabase;
  let a: OneOrganization;
  let b: OneOrganization;

  beforeAll(async () => {
    db = await openDalDatabase();
    a = await db.organization();
    b = await db.organization();
  });

  afterAll(async () => {
    await db?.close();
  });

  describe('MCP configurations', () => {
    let configurations: McpConfigurationRepository;
    const configuration = (id: string, name: string): NewMcpConfiguration => ({
      id,
      organizationId: 'ignored: the scope decides',
      userId: null,
      name,
      type: 'custom',
      serverUrl: 'https://mcp.example.com/mcp',
      transportType: 'streamable_http',
      authType: 'none',
      credentialsSealed: null,
      credentialsRefreshOwner: null,
      credentialsRefreshUntil: null,
      toolConfiguration: { enabled: false, allowed_tools: [] },
      isActive: true,
      connectionStatus: 'disconnected',
      lastConnectedAt: null,
      errorMessage: null,
      discoveredTools: null,
      latencyMs: null,
      createdAt: new Date(),
      updatedAt: new Date(),
      version: 1,
    });
    const idA = `mcp_a_${unique()}`;
    const idB = `mcp_b_${unique()}`;

    beforeAll(async () => {
      configurations = new McpConfigurationRepository(db.dataSource);
      await configurations.insert(a, configuration(idA, 'shared name'));
      await configurations.insert(b, configuration(idB, 'shared name'));
      await configurations.insert(b, configuration(`mcp_b2_${unique()}`, 'only in b'));
    });

    it('inserts into the scope organization, whatever the row says', async () => {
      expect((await configurations.findById(a, idA))?.organizationId).toBe(a.organizationId);
      expect((await configurations.findById(b, idB))?.organizationId).toBe(b.organizationId);
    });

    it("never reads B's configuration through A's scope", async () => {
      expect(await configurations.findById(a, idB)).toBeNull();
      const locked = await db.unitOfWork.run((tx) => configurations.findForWrite(a, idB, tx));
      expect(locked).toBeNull();
      const { rows, total } = await configurations.list(a, {}, { limit: 50 });
      expect(rows.map((row) => row.id)).toEqual([idA]);
      expect(total).toBe(1);
      expect(await configurations.nameTaken(a, 'only in b')).toBe(false);
      expect(await configurations.nameTaken(a, 'shared name', idA)).toBe(false);
    });

    it("never updates or deletes B's configuration through A's scope", async () => {
      expect(await configurations.update(a, idB, 1, { name: 'taken over' })).toBe(false);
      expect(await configurations.softDelete(a, idB, new Date())).toBe(false);
      const tests = new HealthCheckConfigurationRepository(db.dataSource, db.unitOfWork);
      const outcome = {
        connectionStatus: 'error' as const,
        errorMessage: 'probed through the wrong scope',
        latencyMs: 1,
      };
      expect(await tests.recordTest(a, idB, outcome)).toBe(false);
      expect(await configurations.findById(b, idB)).toMatchObject({
        name: 'shared name',
        version: 1,
        connectionStatus: 'disconnected',
        errorMessage: null,
        deletedAt: null,
      });
    });

    it('sees both organizations only with every organization in scope', async () => {
      const { rows } = await configurations.list(EVERY, {}, { limit: 50 });
      expect(rows.map((row) => row.organizationId).sort()).toEqual(
        [a.organizationId, b.organizationId, b.organizationId].sort(),
      );
    });
  });

  describe('teams', () => {
    let teams: TeamRepository;
    const teamA = `team_a_${unique()}`;
    const teamB = `team_b_${unique()}`;

    beforeAll(async () => {
      teams = new TeamRepository(db.dataSource);
      const team = (id: string, name: string, organizationId: string) => ({
        id,
        name,
        organizationId,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      await db.unitOfWork.run(async (tx) => {
        await teams.insert(a, team(teamA, 'Team A', a.organizationId), ['group-a'], tx);
        await teams.insert(b, team(teamB, 'Team B', a.organizationId), ['group-b'], tx);
      });
    });

    it("never reads B's team through A's scope", async () => {
      expect(await teams.findById(a, teamB)).toBeNull();
      expect(await teams.existingIds(a, [teamA, teamB])).toEqual([teamA]);
      expect(await teams.nameTaken(a, 'Team B', null)).toBe(false);
      const listed = await teams.list(a, { limit: 50 });
      expect(listed.map((entry) => entry.team.id)).toEqual([teamA]);
    });

    it("never updates or deletes B's team through A's scope", async () => {
      const changes = { name: 'Taken over', updatedAt: new Date() };
      await db.unitOfWork.run(async (tx) => {
        expect(await teams.update(a, teamB, changes, ['group-a'], tx)).toBe(false);
        expect(await teams.delete(a, teamB, tx)).toBe(false);
      });
      const kept = await teams.findById(b, teamB);
      expect(kept?.team).toMatchObject({ name: 'Team B', organizationId: b.organizationId });
      expect(kept?.accessGroups).toEqual(['group-b']);
    });
  });

  describe('API keys', () => {
    let keys: ApiKeyRepository;
    const keyA = `key_a_${unique()}`;
    const keyB = `key_b_${unique()}`;

    beforeAll(async () => {
      keys = new ApiKeyRepository(db.dataSource);
      const key = (id: string, organizationId: string) => ({
        id,
        organizationId,
        userId: null,
        name: id,
        role: 'member',
        keyHash: `hash_${id}`,
        keyPrefix: id.slice(0, 12),
        expiresAt: null,
        revokedAt: null,
        createdByKeyId: null,
        createdAt: new Date(),
      });
      await db.unitOfWork.run(async (tx) => {
        await keys.insert(key(keyA, a.organizationId), [], [], tx);
        await keys.insert(key(keyB, b.organizationId), ['group-b'], [], tx);
      });
    });

    it("never reads, revokes or re-keys B's key through A's scope", async () => {
      expect(await keys.findById(a, keyB)).toBeNull();
      expect((await keys.list(a, { limit: 50 })).map((entry) => entry.key.id)).toEqual([keyA]);
      await db.unitOfWork.run(async (tx) => {
        expect(await keys.revoke(a, keyB, new Date(), tx)).toBe(false);
        expect(await keys.replaceSecret(a, keyB, 'hash_new', 'prefix_new', tx)).toBe(false);
      });
      const kept = await keys.findById(b, keyB);
      expect(kept?.key).toMatchObject({ revokedAt: null, keyHash: `hash_${keyB}` });
      expect(kept?.accessGroups).toEqual(['group-b']);
    });
  });

  describe('audit events and registry revisions', () => {
    it("lists only the scope organization's audit events", async () => {
      const audit = new AuditEventRepository(db.dataSource);
      const event = (organizationId: string) => ({
        id: `aud_${unique()}`,
        organizationId,
        actorKeyId: null,
        actorUserId: null,
        action: 'test.cross_organization',
        resourceType: 'test',
        resourceId: 'r1',
        requestId: null,
        changes: null,
        createdAt: new Date(),
      });
      const mine = event(a.organizationId);
      await audit.insert(mine);
      await audit.insert(event(b.organizationId));
      const listed = await audit.list(a, { action: 'test.cross_organization' }, { limit: 50 });
      expect(listed.map((entry) => entry.id)).toEqual([mine.id]);
    });

    it("counts only the scope organization's registry writes", async () => {
      const revisions = new RegistryRevisionRepository(db.dataSource);
      const before = await revisions.current(a);
      const teams = new TeamRepository(db.dataSource);
      const team = { id: `team_${unique()}`, name: `T ${unique()}`, organizationId: '' };
      await db.unitOfWork.run((tx) =>
        teams.insert(b, { ...team, createdAt: new Date(), updatedAt: new Date() }, [], tx),
      );
      expect(await revisions.current(a)).toBe(before);
      expect(await revisions.current(b)).toBeGreaterThan(0);
    });
  });
});
