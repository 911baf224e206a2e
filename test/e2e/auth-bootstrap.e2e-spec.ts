import { randomBytes } from 'node:crypto';
import { GENERATED_ADMIN_KEY_ID } from '../../libs/auth/src/bootstrap/bootstrap-admin-key.service';
import { createSuiteDatabase, SuiteDatabase } from '../support/test-database';
import { startTestApp, TestApp } from '../support/test-app';

/** Runs `work` while capturing what the process writes directly to stdout. */
async function capturingStdout<T>(work: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: await work(), output: chunks.join('') };
  } finally {
    process.stdout.write = original;
  }
}

function printedKeys(output: string): string[] {
  return output.match(/ak_[A-Za-z0-9_-]{40}/g) ?? [];
}

describe('BOOTSTRAP_ADMIN_KEY', () => {
  let database: SuiteDatabase;
  beforeAll(async () => {
    database = await createSuiteDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('makes the given secret a platform admin key, restored on start if it was revoked', async () => {
    const secret = `ak_${randomBytes(30).toString('base64url')}`;
    let t: TestApp = await startTestApp({ BOOTSTRAP_ADMIN_KEY: secret }, { database });
    try {
      const me = await t.request('GET', '/v1/me', { key: secret });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ role: 'platform_admin', organization_id: null });
      expect(
        (await t.request('POST', '/v1/organizations', { key: secret, body: { name: 'A' } })).status,
      ).toBe(201);
      expect(
        (await t.request('DELETE', `/v1/api-keys/${me.body.key_id}`, { key: secret })).status,
      ).toBe(204);
      expect((await t.request('GET', '/v1/me', { key: secret })).body.error.code).toBe(
        'API_KEY_DEACTIVATED',
      );
    } finally {
      await t.close();
    }

    t = await startTestApp({ BOOTSTRAP_ADMIN_KEY: secret }, { database });
    try {
      const me = await t.request('GET', '/v1/me', { key: secret });
      expect(me.status).toBe(200);
      expect(me.body.role).toBe('platform_admin');
      const keys = await t.dataSource.query(
        'SELECT id FROM api_keys WHERE organization_id IS NULL',
      );
      expect(keys).toHaveLength(1);
      const events = await t.request('GET', `/v1/audit-events?resource_id=${me.body.key_id}`, {
        key: secret,
      });
      expect(events.body.audit_events.map((e: { action: string }) => e.action)).toEqual([
        'api_key.restore',
        'api_key.revoke',
        'api_key.bootstrap',
      ]);
    } finally {
      await t.close();
    }
  });
});

describe('first start without BOOTSTRAP_ADMIN_KEY', () => {
  it('generates a platform admin key on an empty database and prints it once, outside the logs', async () => {
    const database = await createSuiteDatabase();
    try {
      const first = await capturingStdout(() =>
        startTestApp({ BOOTSTRAP_ADMIN_KEY: undefined }, { database }),
      );
      const t = first.result;
      try {
        const keys = printedKeys(first.output);
        expect(keys).toHaveLength(1);
        expect(first.output).toContain('platform admin key was generated');
        const me = await t.request('GET', '/v1/me', { key: keys[0] });
        expect(me.status).toBe(200);
        expect(me.body).toMatchObject({ role: 'platform_admin', key_id: GENERATED_ADMIN_KEY_ID });
        expect(t.logs.filter((line) => line.includes(keys[0]))).toEqual([]);
      } finally {
        await t.close();
      }

      const second = await capturingStdout(() =>
        startTestApp({ BOOTSTRAP_ADMIN_KEY: undefined }, { database }),
      );
      await second.result.close();
      expect(printedKeys(second.output)).toEqual([]);
    } finally {
      await database.drop();
    }
  });

  it('prints exactly one key when several replicas start together on an empty database', async () => {
    const database = await createSuiteDatabase();
    try {
      const migrated = await startTestApp({}, { database });
      await migrated.dataSource.query('DELETE FROM api_keys');
      await migrated.close();

      const started = await capturingStdout(() =>
        Promise.all(
          [1, 2, 3].map(() =>
            startTestApp(
              { BOOTSTRAP_ADMIN_KEY: undefined, DB_MIGRATIONS_RUN: 'false' },
              { database },
            ),
          ),
        ),
      );
      try {
        const keys = printedKeys(started.output);
        expect(keys).toHaveLength(1);
        for (const replica of started.result) {
          expect((await replica.request('GET', '/v1/me', { key: keys[0] })).status).toBe(200);
        }
        const rows = await started.result[0].dataSource.query('SELECT id FROM api_keys');
        expect(rows).toEqual([{ id: GENERATED_ADMIN_KEY_ID }]);
      } finally {
        await Promise.all(started.result.map((replica) => replica.close()));
      }
    } finally {
      await database.drop();
    }
  });
});
