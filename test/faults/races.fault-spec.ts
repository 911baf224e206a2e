import { randomUUID } from 'node:crypto';
import { SecretBox } from '@app/crypto';
import { AppProcess, startAppProcess } from '../support/app-process';
import { createKey, createOrg } from '../support/factories';
import { createSuiteDatabase, SuiteDatabase } from '../support/test-database';
import { HttpResult, RequestOptions, startTestApp, TestApp } from '../support/test-app';

/**
 * Concurrent writes of one resource, sent to two replicas of the API sharing one database (this
 * process and a child process), end in a state some serial order of them produces, and every
 * caller learns the truth about its own write (issue 12, items 3 and 4).
 */
const TRIALS = 10;
const WRITERS = 20;

type Send = (method: string, path: string, options?: RequestOptions) => Promise<HttpResult>;

describe('write races across two replicas', () => {
  let database: SuiteDatabase;
  let t: TestApp;
  let child: AppProcess;
  let organizationId: string;
  /** Writer i goes to replica i % 2, so each race spans both processes. */
  let replicas: Send[];

  beforeAll(async () => {
    database = await createSuiteDatabase();
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' }, { database });
    child = await startAppProcess({
      databaseUrl: database.url,
      env: {
        DB_MIGRATIONS_RUN: 'false',
        CREDENTIALS_ENCRYPTION_KEYS: t.config.crypto.encryptionKeys,
        CREDENTIALS_ACTIVE_KEY_ID: t.config.crypto.activeKeyId,
      },
    });
    organizationId = (await createOrg(t)).organization_id;
    const admin = (await createKey(t, { organizationId, role: 'org_admin' })).key;
    replicas = [t, child].map(
      (replica): Send =>
        (method, path, options = {}) =>
          replica.request(method, path, { key: admin, ...options }),
    );
  });
  afterAll(async () => {
    await child?.stop();
    await t?.close();
    await database?.drop();
  });

  const send = (writer: number): Send => replicas[writer % replicas.length];
  const open = <T>(sealed: string, resourceType: string, resourceId: string): T =>
    t.app.get(SecretBox).openJson<T>(sealed, { resourceType, resourceId, organizationId });

  describe('PATCH of one configuration: auth_type api_key racing bearer credentials', () => {
    const apiKeyPatch = (writer: number) => ({
      auth_type: 'api_key',
      credentials: { type: 'api_key', api_key: `key-${writer}`, header_name: 'X-Api-Key' },
    });
    const bearerPatch = (writer: number) => ({
      credentials: { type: 'bearer', token: `token-${writer}` },
    });

    it(`ends every one of ${TRIALS} trials in a state a serial order of the PATCHes gives`, async () => {
      const outcomes: string[] = [];
      for (let trial = 0; trial < TRIALS; trial++) {
        const created = await send(0)('POST', '/v1/mcp-configurations', {
          body: {
            name: `Raced ${randomUUID()}`,
            organization_id: organizationId,
            server_url: 'https://mcp.example.com/mcp',
            transport_type: 'streamable_http',
            auth_type: 'bearer_token',
            credentials: { type: 'bearer', token: 'token-origin' },
          },
        });
        expect(created.status).toBe(201);
        const id: string = created.body.id;
        // Writers 0, 2, 4… switch to api_key; 1, 3, 5… send bearer credentials for the type
        // they assume is still bearer_token.
        const isApiKey = (writer: number) => writer % 2 === 0;
        const answers = await Promise.all(
          Array.from({ length: WRITERS }, (_, writer) =>
            send(writer)('PATCH', `/v1/mcp-configurations/${id}`, {
              body: isApiKey(writer) ? apiKeyPatch(writer) : bearerPatch(writer),
            }),
          ),
        );
        outcomes.push(...answers.map((answer) => String(answer.status)));

        // What the row holds is consistent: credentials of the type auth_type names.
        const [row]: { auth_type: string; credentials_sealed: string }[] = await t.dataSource.query(
          'SELECT auth_type, credentials_sealed FROM mcp_configurations WHERE id = ?',
          [id],
        );
        const stored = open<{ type: string }>(row.credentials_sealed, 'mcp_configuration', id);
        expect({ auth_type: row.auth_type, credentials: stored.type }).toEqual({
          auth_type: 'api_key',
          credentials: 'api_key',
        });

        // In any serial order: every api_key PATCH is valid (it brings matching credentials);
        // a bearer PATCH is valid only while no api_key PATCH has been applied yet.
        const versionOf = (answer: HttpResult) =>
          Number(/^"v(\d+)\./.exec(answer.headers.get('etag') ?? '')?.[1]);
        const apiKeyWins = answers.filter((_, writer) => isApiKey(writer));
        const bearerAnswers = answers.filter((_, writer) => !isApiKey(writer));
        expect(apiKeyWins.map((answer) => answer.status)).toEqual(new Array(WRITERS / 2).fill(200));
        for (const answer of bearerAnswers) {
          expect([200, 400]).toContain(answer.status);
          if (answer.status === 400) {
            expect(answer.body.error.code).toBe('VALIDATION_ERROR');
            expect(answer.body.error.details.fields[0].field).toMatch(/^credentials\./);
          }
        }
        const applied = answers.filter((answer) => answer.status === 200);
        const versions = applied.map(versionOf).sort((a, b) => a - b);
        // One version per applied write, none shared: they were applied one after the other.
        expect(versions).toEqual(applied.map((_, index) => index + 2));
        const firstApiKey = Math.min(...apiKeyWins.map(versionOf));
        for (const answer of bearerAnswers.filter((item) => item.status === 200)) {
          expect(versionOf(answer)).toBeLessThan(firstApiKey);
          expect(answer.body.authType).toBe('bearer_token');
        }
        for (const answer of apiKeyWins) expect(answer.body.authType).toBe('api_key');

        // The stored row is the last applied write's: api_key with that writer's key.
        const last = Math.max(...versions);
        const lastWriter = answers.findIndex((answer) => versionOf(answer) === last);
        const [{ version }]: { version: number }[] = await t.dataSource.query(
          'SELECT version FROM mcp_configurations WHERE id = ?',
          [id],
        );
        expect(Number(version)).toBe(last);
        expect(stored).toEqual({
          type: 'api_key',
          api_key: `key-${lastWriter}`,
          header_name: 'X-Api-Key',
        });
        const read = await send(1)('GET', `/v1/mcp-configurations/${id}/credentials`);
        expect(read.body).toMatchObject({ auth_type: 'api_key', credentials: { type: 'api_key' } });
      }
      console.log(`PATCH race, ${TRIALS} trials x ${WRITERS} writers: ${summarize(outcomes)}`);
    });
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
        const created = await send(0)('POST', '/v1/mcp/server', {
          body: { ...bodyOf(serverId, -1), url: 'https://origin.example.com/mcp' },
        });
        expect(created.status).toBe(201);
        const answers = await Promise.all(
          Array.from({ length: WRITERS }, (_, writer) =>
            send(writer)('PUT', '/v1/mcp/server', { body: bodyOf(serverId, writer) }),
          ),
        );
        const statuses = answers.map((answer) => answer.status);
        outcomes.push(...statuses.map(String));
        expect(statuses).toEqual(new Array(WRITERS).fill(202));
        // Each 202 describes the caller's own write.
        answers.forEach((answer, writer) => {
          expect(answer.body.description).toBe(`written by ${writer}`);
        });

        const final = await send(1)('GET', `/v1/mcp/server/${serverId}`);
        const winner = Number(/^written by (\d+)$/.exec(final.body.description)?.[1]);
        const expected = bodyOf(serverId, winner);
        expect(final.body).toMatchObject({
          url: expected.url,
          description: expected.description,
          mcp_access_groups: expected.mcp_access_groups,
          env: { WRITER: '****' },
          auth_type: 'bearer_token',
        });
        // Versions 2..21 were each written once, the winner's last.
        expect(final.headers.get('etag')).toMatch(new RegExp(`^"v${WRITERS + 1}\\.`));
        expect(answers[winner].headers.get('etag')).toMatch(new RegExp(`^"v${WRITERS + 1}\\.`));
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
        expect(open(row.env_sealed, 'mcp_server.env', serverId)).toEqual(expected.env);
        expect(open(row.credentials_sealed, 'mcp_server.credentials', serverId)).toEqual(
          expected.credentials,
        );
      }
      console.log(`PUT race, ${TRIALS} trials x ${WRITERS} writers: ${summarize(outcomes)}`);
    });
  });
});

function summarize(statuses: string[]): string {
  const counts = new Map<string, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts.entries()]
    .sort()
    .map(([status, n]) => `${n} x ${status}`)
    .join(', ');
}
