import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SecretBox } from '@app/crypto';
import { SecretRotationJob } from '@app/crypto/rotation';
import { SEALED_COLUMNS, SealedValueRepository, UnitOfWork } from '@app/dal';
import { rotateSecrets } from '../../apps/api/src/rotate-secrets';
import { createKey, createOrg } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { createSuiteDatabase, SuiteDatabase } from '../support/test-database';

const k1 = `k1:${randomBytes(32).toString('base64')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;
const ROWS = 40;

function quietLogger() {
  return { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
}

describe('credential key rotation', () => {
  let database: SuiteDatabase;
  const apps: TestApp[] = [];

  async function start(keys: string, activeKeyId: string): Promise<TestApp> {
    const app = await startTestApp(
      { CREDENTIALS_ENCRYPTION_KEYS: keys, CREDENTIALS_ACTIVE_KEY_ID: activeKeyId },
      { database },
    );
    apps.push(app);
    return app;
  }

  async function stop(app: TestApp): Promise<void> {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  }

  beforeAll(async () => {
    database = await createSuiteDatabase();
  });

  afterAll(async () => {
    for (const app of apps.splice(0)) await app.close();
    await database?.drop();
  });

  async function sealedValues(dataSource: DataSource): Promise<Map<string, string>> {
    const rows: { id: string; credentials_sealed: string | null }[] = await dataSource.query(
      'SELECT id, credentials_sealed FROM mcp_configurations',
    );
    return new Map(
      rows.filter((r) => r.credentials_sealed !== null).map((r) => [r.id, r.credentials_sealed!]),
    );
  }

  async function readAll(t: TestApp, key: string, ids: string[]): Promise<Map<string, string>> {
    const tokens = new Map<string, string>();
    for (const id of ids) {
      const res = await t.request('GET', `/v1/mcp-configurations/${id}/credentials`, { key });
      expect({ id, status: res.status }).toEqual({ id, status: 200 });
      tokens.set(id, res.body.credentials.token);
    }
    return tokens;
  }

  it('moves every row to the new key while the API keeps writing, then works without the old key', async () => {
    // 1. Rows written under k1 only.
    const first = await start(k1, 'k1');
    const org = await createOrg(first);
    const admin = await createKey(first, {
      organizationId: org.organization_id,
      role: 'org_admin',
    });
    const expected = new Map<string, string>();
    for (let i = 0; i < ROWS; i += 1) {
      const token = `tok_${i}_${randomBytes(10).toString('hex')}`;
      const res = await first.request('POST', '/v1/mcp-configurations', {
        key: admin.key,
        body: {
          name: `Rotating ${i}`,
          server_url: 'https://mcp.example.com/mcp',
          transport_type: 'streamable_http',
          auth_type: 'bearer_token',
          organization_id: org.organization_id,
          credentials: { token },
        },
      });
      expect(res.status).toBe(201);
      expected.set(res.body.id, token);
    }
    const ids = [...expected.keys()];
    for (const sealed of (await sealedValues(first.dataSource)).values())
      expect(sealed).toMatch(/^v1\.k1\./);
    await stop(first);

    // 2. k2 deployed as active next to k1: old rows still read, new writes use k2.
    const second = await start(`${k1},${k2}`, 'k2');
    expect(await readAll(second, admin.key, ids)).toEqual(expected);

    // 3. Rotate (the CLI's code path, its own connection) while PATCHes of credentials keep
    // arriving: the writer runs rounds until the job has finished.
    const patched = ids.filter((_, i) => i % 3 === 0);
    let rotating = false;
    let rotationDone = false;
    let writesDuringRotation = 0;
    const patchRound = (round: number) =>
      Promise.all(
        patched.map(async (id) => {
          const token = `tok_patched_${round}_${randomBytes(10).toString('hex')}`;
          const res = await second.request('PATCH', `/v1/mcp-configurations/${id}`, {
            key: admin.key,
            body: { credentials: { type: 'bearer', token } },
          });
          expect(res.status).toBe(200);
          expected.set(id, token);
          if (rotating) writesDuringRotation += 1;
        }),
      );
    let round = 0;
    const writer = (async () => {
      while (!rotationDone || round < 3) await patchRound(round++);
    })();
    const logger = quietLogger();
    const report = await rotateSecrets({
      ignoreEnvFile: true,
      env: {
        NODE_ENV: 'test',
        DATABASE_URL: database.url,
        CREDENTIALS_ENCRYPTION_KEYS: `${k1},${k2}`,
        CREDENTIALS_ACTIVE_KEY_ID: 'k2',
      },
      batchSize: 3,
      logger,
      onBatch: (progress) => {
        if (progress.table === 'mcp_configurations') rotating = true;
      },
    }).finally(() => {
      rotating = false;
      rotationDone = true;
    });
    await writer;
    expect(writesDuringRotation).toBeGreaterThan(0);
    expect(report.activeKeyId).toBe('k2');
    expect(report.failed).toBe(0);
    const column = report.columns.find((c) => c.table === 'mcp_configurations')!;
    expect(column).toMatchObject({
      table: 'mcp_configurations',
      column: 'credentials_sealed',
      failed: 0,
    });
    expect(column.scanned).toBe(ROWS);
    expect(column.rotated + column.skipped).toBe(ROWS);
    expect(column.rotated).toBeGreaterThanOrEqual(ROWS - patched.length);
    expect(logger.error).not.toHaveBeenCalled();

    const sealed = await sealedValues(second.dataSource);
    expect(sealed.size).toBe(ROWS);
    for (const [id, value] of sealed)
      expect({ id, key: value.split('.')[1] }).toEqual({ id, key: 'k2' });
    // No concurrent write was lost: each row holds the last token written to it.
    expect(await readAll(second, admin.key, ids)).toEqual(expected);

    // Idempotent: a second run (in-process against the app's own DataSource) changes nothing.
    const again = await new SecretRotationJob(sealedValueStore(second), second.app.get(SecretBox), {
      logger: quietLogger(),
    }).run(SEALED_COLUMNS);
    expect(again.columns.find((c) => c.table === 'mcp_configurations')).toMatchObject({
      scanned: ROWS,
      rotated: 0,
      skipped: ROWS,
      failed: 0,
    });
    expect(await sealedValues(second.dataSource)).toEqual(sealed);
    await stop(second);

    // 4. k1 removed: everything still reads.
    const third = await start(k2, 'k2');
    expect(await readAll(third, admin.key, ids)).toEqual(expected);

    const logs = [...third.logs].join('\n');
    for (const token of expected.values()) expect(logs).not.toContain(token);
  });

  it('reports rows it cannot open as failures, naming the row but not the secret', async () => {
    const app = await start(`${k1},${k2}`, 'k2');
    const org = await createOrg(app);
    const admin = await createKey(app, { organizationId: org.organization_id, role: 'org_admin' });
    const ids: string[] = [];
    for (const token of ['tok_swap_a_0123456789', 'tok_swap_b_0123456789']) {
      const res = await app.request('POST', '/v1/mcp-configurations', {
        key: admin.key,
        body: {
          name: token,
          server_url: 'https://mcp.example.com/mcp',
          transport_type: 'sse',
          auth_type: 'bearer_token',
          organization_id: org.organization_id,
          credentials: { token },
        },
      });
      ids.push(res.body.id);
    }
    const sealed = await sealedValues(app.dataSource);
    await app.dataSource.query(
      'UPDATE mcp_configurations SET credentials_sealed = ? WHERE id = ?',
      [sealed.get(ids[1]), ids[0]],
    );
    const logger = quietLogger();
    const report = await new SecretRotationJob(sealedValueStore(app), app.app.get(SecretBox), {
      logger,
    }).run(SEALED_COLUMNS);
    expect(report.failed).toBeGreaterThanOrEqual(1);
    const logged = JSON.stringify(logger.error.mock.calls);
    expect(logged).toContain(ids[0]);
    expect(logged).not.toContain('tok_swap_');
    await stop(app);
  });
});

/** The rotation job's store on a running app's own database. */
function sealedValueStore(app: TestApp): SealedValueRepository {
  return new SealedValueRepository(app.dataSource, app.app.get(UnitOfWork));
}
