import { AppProcess, sleep, startAppProcess } from '../support/app-process';
import { createOrg } from '../support/factories';
import { createProxiedDatabase, ProxiedDatabase } from '../support/proxied-database';
import { suiteDatabaseKind } from '../support/test-database';
import { LoadSample, startWriters } from '../support/write-load';

const DEADLINE_MS = 1500;
/** What a request may take past the database deadline: pool wait, rendering, the loopback. */
const MARGIN_MS = 1000;
const onMysql = suiteDatabaseKind() === 'mysql';

async function waitReady(app: AppProcess, withinMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const ready = await app.request('GET', '/health/ready', { key: null }).catch(() => null);
    if (ready?.status === 200) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`not ready within ${withinMs} ms`);
    await sleep(100);
  }
}

/** Every acknowledged create is a row afterwards. */
async function expectAcknowledgedWritesExist(app: AppProcess, samples: LoadSample[]) {
  const acknowledged = samples.filter((s) => s.status === 201);
  const missing: string[] = [];
  for (const s of acknowledged) {
    const read = await app.request('GET', `/v1/mcp/server/${s.id}`);
    if (read.status !== 200) missing.push(`${s.id}: ${read.status}`);
  }
  expect(missing).toEqual([]);
  return acknowledged.length;
}

/** Every answer is a 201 or the 503 envelope; nothing is reset, hangs or answers 500. */
function expectCreatedOr503(samples: LoadSample[]) {
  const others = samples.filter((s) => s.status !== 201 && s.status !== 503);
  expect(others.map((s) => `${s.status} ${s.error ?? JSON.stringify(s.body)}`)).toEqual([]);
  for (const s of samples.filter((item) => item.status === 503)) {
    expect(s.body).toMatchObject({
      success: false,
      error: { code: 'SERVICE_UNAVAILABLE', status: 503, type: 'unavailable_error' },
    });
  }
}

(onMysql ? describe : describe.skip)(
  'database killed under 16 writers (MySQL behind a proxy)',
  () => {
    let db: ProxiedDatabase;
    let app: AppProcess;

    beforeAll(async () => {
      db = await createProxiedDatabase();
      app = await startAppProcess({
        databaseUrl: db.url,
        env: { DB_QUERY_TIMEOUT_MS: String(DEADLINE_MS) },
      });
    });
    afterAll(async () => {
      await app?.stop();
      await db?.drop();
    });

    it('answers the 503 envelope fast, loses no acknowledged write and recovers without a restart', async () => {
      const org = await createOrg(app);
      const writers = startWriters({
        url: app.url,
        key: app.adminKey,
        organizationId: org.organization_id,
        concurrency: 16,
        timeoutMs: 30_000,
      });
      await sleep(1000);
      await db.proxy.reset();
      await sleep(3000);
      const down = await app.request('GET', '/health/ready', { key: null });
      await db.proxy.resume();
      const recoveredMs = await waitReady(app, 10_000);
      await sleep(1000);
      const samples = await writers.stop();

      expect(down.status).toBe(503);
      expect(down.body.error.code).toBe('SERVICE_UNAVAILABLE');
      expectCreatedOr503(samples);
      expect(samples.filter((s) => s.status === 503).length).toBeGreaterThan(0);
      expect(Math.max(...samples.map((s) => s.ms))).toBeLessThanOrEqual(DEADLINE_MS + MARGIN_MS);
      expect(recoveredMs).toBeLessThan(5000);
      expect(await expectAcknowledgedWritesExist(app, samples)).toBeGreaterThan(0);
    });
  },
);
