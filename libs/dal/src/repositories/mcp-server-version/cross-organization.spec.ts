import { allOrganizations, OneOrganization } from '@app/core';
import { DalDatabase, openDalDatabase } from '../../../../../test/support/dal-database';
import { McpServerVersionReadRepository } from './mcp-server-version-read.repository';
import { McpServerVersionWriteRepository } from './mcp-server-version-write.repository';
import { versionColumnsOf, VersionSource } from './version-row';

/**
 * Repository-level isolation and rules of the official registry API's rows: both organizations
 * hold a server `github` (alias `github`, version 1.0.0); whatever A's scope writes or reads, B's
 * rows stay as they were and never come back. Runs on the suite's database.
 */
describe('official registry rows keep to the organization of their scope', () => {
  const EVERY = allOrganizations({ role: 'platform_admin', organizationId: null });
  const WHOLE = { wholeOrganization: true } as const;
  let db: DalDatabase;
  let a: OneOrganization;
  let b: OneOrganization;
  let reads: McpServerVersionReadRepository;
  let writes: McpServerVersionWriteRepository;

  const source = (overrides: Partial<VersionSource> = {}): VersionSource => ({
    serverId: 'github',
    serverName: 'GitHub',
    alias: 'github',
    description: 'Issues',
    transport: 'sse',
    url: 'https://mcp.example.com/sse',
    authType: 'none',
    credentialHeader: null,
    command: null,
    args: [],
    envKeys: [],
    mcpInfo: {
      server_name: null,
      description: null,
      logo_url: null,
      mcp_server_cost_info: { default_cost_per_query: 0, tool_name_to_cost_per_query: {} },
    },
    serverVersion: '1.0.0',
    catalogPublic: false,
    accessGroups: ['eng'],
    ...overrides,
  });

  async function write(
    scope: OneOrganization,
    overrides: Partial<VersionSource> = {},
    newServer = false,
  ) {
    const columns = versionColumnsOf(source(overrides));
    await db.unitOfWork.run((tx) =>
      writes.writeCurrent(scope, columns, new Date(), tx, { newServer }),
    );
  }

  async function rowsOfB(): Promise<unknown[]> {
    return db.dataSource.query(
      'SELECT alias_key, version, status, is_latest, namespace, description, access_groups' +
        ' FROM mcp_server_versions WHERE organization_id = ? ORDER BY alias_key, version',
      [b.organizationId],
    );
  }

  beforeAll(async () => {
    db = await openDalDatabase();
    reads = new McpServerVersionReadRepository(db.dataSource);
    writes = new McpServerVersionWriteRepository(db.dataSource);
    a = await db.organization();
    b = await db.organization();
    await write(a, {}, true);
    await write(b, {}, true);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("writes, renames and tombstones A's rows only", async () => {
    const before = await rowsOfB();
    await write(a, { description: 'edited', serverVersion: '2.0.0', accessGroups: [] });
    await write(a, { alias: 'renamed', serverVersion: '2.0.0' });
    await db.unitOfWork.run((tx) => writes.renameNamespace(a, 'com.a', new Date(), tx));
    await db.unitOfWork.run((tx) => writes.tombstone(a, 'github', new Date(), tx));
    expect(await rowsOfB()).toEqual(before);
    const ofA = await reads.page(a, WHOLE, { includeDeleted: true }, { limit: 10 });
    expect(
      ofA.map((row) => [row.namespace, row.alias, row.version, row.status, row.isLatest]),
    ).toEqual([
      ['com.a', 'github', '1.0.0', 'deleted', false],
      ['com.a', 'github', '2.0.0', 'deleted', true],
      ['com.a', 'renamed', '2.0.0', 'deleted', true],
    ]);
  });

  it("reads A's rows only through A's scope, B's through B's, both through every organization", async () => {
    const ofB = await reads.page(b, WHOLE, { includeDeleted: false }, { limit: 10 });
    expect(ofB.map((row) => [row.organizationId, row.alias, row.status])).toEqual([
      [b.organizationId, 'github', 'active'],
    ]);
    expect(await reads.versionOf(a, WHOLE, 'github', { latest: true }, false)).toBeNull();
    expect(
      (await reads.versionOf(b, WHOLE, 'github', { latest: true }, false))?.organizationId,
    ).toBe(b.organizationId);
    const members = await reads.versionsOf(b, { accessGroups: ['sales'] }, 'github', true, 10);
    expect(members).toEqual([]);
    const everyone = await reads.page(EVERY, WHOLE, { includeDeleted: true }, { limit: 100 });
    const organizations = new Set(everyone.map((row) => row.organizationId));
    expect(organizations).toEqual(new Set([a.organizationId, b.organizationId]));
  });

  it('matches access groups byte for byte, never by case or LIKE wildcard', async () => {
    await write(b, { serverId: 'ops', alias: 'ops', accessGroups: ['Ops_1'] }, true);
    const seen = async (groups: string[]) =>
      (await reads.page(b, { accessGroups: groups }, { includeDeleted: false }, { limit: 10 })).map(
        (row) => row.alias,
      );
    expect(await seen(['Ops_1'])).toEqual(['ops']);
    expect(await seen(['ops_1'])).toEqual([]);
    expect(await seen(['Ops%1'])).toEqual([]);
    expect(await seen(['Ops'])).toEqual([]);
  });
});
