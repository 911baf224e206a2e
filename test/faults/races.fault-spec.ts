import { randomUUID } from 'node:crypto';
import { SecretBox } from '@app/crypto';
import { createKey, createOrg } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Concurrent writes of one resource end in a state some serial order of them could produce, and
 * every caller is told the truth about its own write (issue 12, items 3 and 4).
 */
const TRIALS = 10;
const WRITERS = 20;

describe('write races', () => {
  let t: TestApp;
  let admin: string;
  let organizationId: string;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    const org = await createOrg(t);
    organizationId = org.organization_id;
    admin = (await createKey(t, { organizationId: org.organization_id, role: 'org_admin' })).key;
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('PUT of one registry server without If-Match', () => {
    /** Each writer's full body differs in every field it sets, access groups and env included. */
    function bodyOf(serverId: string, writer: number) {
      return {
        server_id: serverId,
        server_name: `Contended ${serverId.slice(0, 8)}`,
        url: `https://writer-${writer}.example.com/mcp`,
        description: `written by ${writer}`,
        mcp_access_groups: [`group_${writer}`, `shared_${writer % 3}`].sort(),
        env: { WRITER: String(writer) },
        auth_type: 'bearer_token',
        credentials: { type: 'bearer', token: `token-${writer}` },
      };
    }

    it(`answers 202 to each of ${WRITERS} concurrent PUTs, and the row ends as one of them wrote it`, async () => {
      const outcomes: string[] = [];
      for (let trial = 0; trial < TRIALS; trial++) {
        const serverId = randomUUID();
        const created = await t.request('POST', '/v1/mcp/server', {
          key: admin,
          body: { ...bodyOf(serverId, -1), url: 'https://origin.example.com/mcp' },
        });
        expect(created.status).toBe(201);
        const answers = await Promise.all(
          Array.from({ length: WRITERS }, (_, writer) =>
            t.request('PUT', '/v1/mcp/server', { key: admin, body: bodyOf(serverId, writer) }),
          ),
        );
        const statuses = answers.map((answer) => answer.status);
        outcomes.push(statuses.join(','));
        expect(statuses).toEqual(new Array(WRITERS).fill(202));
        // Each 202 describes the caller's own write.
        answers.forEach((answer, writer) => {
          expect(answer.body.description).toBe(`written by ${writer}`);
        });

        const final = await t.request('GET', `/v1/mcp/server/${serverId}`, { key: admin });
        const winner = Number(/^written by (\d+)$/.exec(final.body.description)?.[1]);
        const expected = bodyOf(serverId, winner);
        expect(final.body).toMatchObject({
          url: expected.url,
          description: expected.description,
          mcp_access_groups: expected.mcp_access_groups,
          env: { WRITER: '****' },
          auth_type: 'bearer_token',
        });
        // The last writer's ETag is the final one: versions 2..21 were each written once.
        expect(final.headers.get('etag')).toMatch(new RegExp(`^"v${WRITERS + 1}\\.`));
        const writes: { n: number }[] = await t.dataSource.query(
          "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'mcp_server.update' AND resource_id = ?",
          [serverId],
        );
        expect(Number(writes[0].n)).toBe(WRITERS);
        const groups: { access_group: string }[] = await t.dataSource.query(
          'SELECT access_group FROM mcp_server_access_groups WHERE server_id = ? ORDER BY access_group',
          [serverId],
        );
        expect(groups.map((row) => row.access_group)).toEqual(expected.mcp_access_groups);
        // The sealed env and credentials are the winner's too, not another writer's.
        const [row]: { env_sealed: string; credentials_sealed: string }[] =
          await t.dataSource.query(
            'SELECT env_sealed, credentials_sealed FROM mcp_servers WHERE server_id = ?',
            [serverId],
          );
        const aad = (resourceType: string) => ({
          resourceType,
          resourceId: serverId,
          organizationId,
        });
        expect(t.app.get(SecretBox).openJson(row.env_sealed, aad('mcp_server.env'))).toEqual(
          expected.env,
        );
        expect(
          t.app.get(SecretBox).openJson(row.credentials_sealed, aad('mcp_server.credentials')),
        ).toEqual(expected.credentials);
      }
      console.log(`PUT race, ${TRIALS} trials x ${WRITERS} writers: ${summarize(outcomes)}`);
    });
  });
});

function summarize(outcomes: string[]): string {
  const counts = new Map<string, number>();
  for (const statuses of outcomes) {
    for (const status of statuses.split(',')) counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return [...counts.entries()].map(([status, n]) => `${n} x ${status}`).join(', ');
}
