import { allOrganizations, OneOrganization } from '@app/core';
import { DalDatabase, openDalDatabase } from '../../../../../test/support/dal-database';
import { unique } from '../../../../../test/support/factories';
import { serverColumns } from '../../../../../test/support/server-rows';
import { McpServerProbeOutcome, HealthCheckRepository } from '../health-check.repository';
import { McpServerClaimRepository } from '../health-claim.repository';
import { McpServerReadRepository } from './mcp-server-read.repository';
import { McpServerWriteRepository } from './mcp-server-write.repository';
import { McpServerChanges } from './mcp-server.types';

/**
 * Repository-level isolation of registry servers: a server id is unique per organization only,
 * so both organizations hold a server `shared`; B alone holds `only-b`. Whatever A's scope is
 * asked, it reads, changes, probes and claims A's rows only. Runs on the suite's database.
 */
describe('registry server repositories keep to the organization of their scope', () => {
  const EVERY = allOrganizations({ role: 'platform_admin', organizationId: null });
  const WHOLE = { wholeOrganization: true } as const;
  let db: DalDatabase;
  let a: OneOrganization;
  let b: OneOrganization;
  let reads: McpServerReadRepository;
  let writes: McpServerWriteRepository;
  let health: HealthCheckRepository;
  let claims: McpServerClaimRepository;

  const changes = (name: string, group: string | null): McpServerChanges =>
    serverColumns(name, 'https://mcp.example.com/mcp', { hasAccessGroups: group !== null });
  const unhealthy: McpServerProbeOutcome = {
    status: 'unhealthy',
    error: 'probed through the wrong scope',
    errorKind: 'unreachable',
    latencyMs: null,
    tools: [{ name: 'stolen', description: null }],
    checkedAt: new Date(),
    protocol: null,
    transportDeprecated: null,
    toolsFreshUntil: null,
  };

  async function insert(scope: OneOrganization, serverId: string, name: string, group: string) {
    await db.unitOfWork.run((tx) =>
      writes.insert(
        scope,
        { serverId, createdAt: new Date(), createdBy: 'tester', changes: changes(name, group) },
        [group],
        tx,
      ),
    );
  }

  /** B's rows as stored, read around every repository (the columns an A-scoped call could touch). */
  async function rowsOfB(): Promise<unknown[]> {
    return db.dataSource.query(
      'SELECT server_id, server_name, alias, version, status, health_check_error, discovered_tools,' +
        ' claim_owner FROM mcp_servers WHERE organization_id = ? ORDER BY server_id',
      [b.organizationId],
    );
  }

  beforeAll(async () => {
    db = await openDalDatabase();
    reads = new McpServerReadRepository(db.dataSource);
    writes = new McpServerWriteRepository(db.dataSource);
    health = new HealthCheckRepository(db.dataSource, db.unitOfWork);
    claims = new McpServerClaimRepository(db.dataSource, db.unitOfWork);
    a = await db.organization();
    b = await db.organization();
    await insert(a, 'shared', `A shared ${unique()}`, 'group-a');
    await insert(b, 'shared', `B shared ${unique()}`, 'group-b');
    await insert(b, 'only-b', `B only ${unique()}`, 'group-b');
  });

  afterAll(async () => {
    await db?.close();
  });

  it("reads only A's servers through A's scope", async () => {
    expect(await reads.findVisible(a, WHOLE, 'only-b')).toBeNull();
    expect((await reads.findVisible(a, WHOLE, 'shared'))?.organizationId).toBe(a.organizationId);
    const listed = await reads.listVisible(a, WHOLE, {}, { limit: 50 });
    expect(listed.map((row) => [row.organizationId, row.serverId])).toEqual([
      [a.organizationId, 'shared'],
    ]);
    expect(await reads.countVisible(a, WHOLE, {})).toBe(1);
    expect(await reads.countVisible(a, WHOLE, { accessGroup: 'group-b' })).toBe(0);
    expect(await reads.visibleAccessGroups(a, WHOLE)).toEqual(['group-a']);
    expect(await reads.toolsOfVisible(a, WHOLE, 'only-b')).toBeNull();
    const healthRows = await reads.healthOfVisible(a, WHOLE, ['shared', 'only-b']);
    expect(healthRows.map((row) => row.organizationId)).toEqual([a.organizationId]);
    const reach = await reads.reachOf(a, ['shared', 'only-b']);
    expect([...reach.keys()]).toHaveLength(1);
    expect([...reach.values()][0].accessGroups).toEqual(['group-a']);
  });

  it("finds no conflict with B's ids, names or aliases when A writes", async () => {
    const [bOnly] = (await rowsOfB()) as { server_name: string; alias: string }[];
    const candidate = { serverId: 'only-b', serverName: bOnly.server_name, alias: bOnly.alias };
    const conflictsIn = (scope: OneOrganization) =>
      db.unitOfWork.run((tx) => writes.findConflicts(scope, candidate, null, tx));
    expect(await conflictsIn(a)).toEqual([]);
    expect(await conflictsIn(b)).toEqual(['server_id', 'server_name', 'alias']);
    const locked = await db.unitOfWork.run((tx) => writes.findForWrite(a, 'only-b', tx));
    expect(locked).toBeNull();
  });

  it("never replaces, probes or deletes B's servers through A's scope", async () => {
    const before = await rowsOfB();
    await db.unitOfWork.run(async (tx) => {
      const taken = changes('Taken over', 'group-a');
      expect(await writes.updateIfVersion(a, 'only-b', new Date(), 1, taken, ['group-a'], tx)).toBe(
        false,
      );
      expect(await writes.delete(a, 'only-b', tx)).toBe(false);
    });
    expect(await health.findProbeTarget(a, 'only-b')).toBeNull();
    expect(await health.healthState(a, 'only-b')).toBeNull();
    expect(await health.recordProbe(a, 'only-b', unhealthy)).toBeNull();
    expect(await rowsOfB()).toEqual(before);
  });

  it("changes A's `shared` only, never B's server of the same id", async () => {
    const before = await rowsOfB();
    await db.unitOfWork.run(async (tx) => {
      const renamed = changes(`A renamed ${unique()}`, 'group-a');
      expect(
        await writes.updateIfVersion(a, 'shared', new Date(), 1, renamed, ['group-a'], tx),
      ).toBe(true);
    });
    expect(await health.recordProbe(a, 'shared', unhealthy)).toMatchObject({
      organizationId: a.organizationId,
      status: 'unhealthy',
    });
    expect(await health.summary(a, 10)).toMatchObject({ total: 1, unhealthy: 1 });
    expect((await health.summary(b, 10)).unhealthy).toBe(0);
    await db.unitOfWork.run(async (tx) => expect(await writes.delete(a, 'shared', tx)).toBe(true));
    expect(await rowsOfB()).toEqual(before);
  });

  it("claims, completes and releases only A's servers through A's scope", async () => {
    await insert(a, 'shared', `A again ${unique()}`, 'group-a');
    const now = new Date(Date.now() + 1_000);
    const claim = { now, expiresAt: new Date(now.getTime() + 60_000), limit: 10 };
    const mine = await claims.claimDue(a, { ...claim, owner: 'owner-a' });
    expect(mine.claimed.map((row) => row.organizationId)).toEqual([a.organizationId]);
    const theirs = await claims.claimDue(EVERY, { ...claim, owner: 'owner-all' });
    expect(theirs.claimed.every((row) => row.organizationId === b.organizationId)).toBe(true);
    expect(theirs.claimed).toHaveLength(2);

    const outcome = await claims.completeClaimed(
      a,
      'only-b',
      { owner: 'owner-all', version: 1 },
      unhealthy,
      new Date(),
    );
    expect(outcome).toBe('lost');
    expect(await claims.releaseClaims(a, ['owner-all'])).toBe(0);
    const held = (await rowsOfB()) as { claim_owner: string | null; status: string }[];
    expect(held.map((row) => [row.claim_owner, row.status])).toEqual([
      ['owner-all', 'unknown'],
      ['owner-all', 'unknown'],
    ]);
    expect(await claims.releaseClaims(b, ['owner-all'])).toBe(2);
  });
});
