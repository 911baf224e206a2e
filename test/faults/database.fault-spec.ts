import { AppProcess, sleep, startAppProcess, timedRequest } from '../support/app-process';
import { createFaultyDatabase, FaultyDatabase } from '../support/database-faults';
import { createOrg } from '../support/factories';
import { suiteDatabaseKind } from '../support/test-database';
import { LoadSample, paced, percentile, serverBody, startWriters } from '../support/write-load';

/** DB_QUERY_TIMEOUT_MS of the app under test (short, so a fault shows within seconds). */
const DEADLINE_MS = 1500;
/** What an answer may take past the deadline: rendering, the loopback, a busy shared CPU. */
const MARGIN_MS = 1000;
const QUEUE_LIMIT = 20;
const REASONS = ['database_timeout', 'database_unavailable', 'pool_queue_full'];
const kind = suiteDatabaseKind();

async function waitReady(app: AppProcess, withinMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const ready = await app.request('GET', '/health/ready', { key: null, timeoutMs: 5000 });
    if (ready.status === 200) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`not ready within ${withinMs} ms`);
    await sleep(100);
  }
}

function describeSamples(label: string, samples: LoadSample[]): string {
  const count = (status: number) => samples.filter((s) => s.status === status).length;
  const ms = samples.map((s) => s.ms);
  const unknown = samples.filter((s) => s.body?.error?.details?.write_committed === 'unknown');
  return `${label}: ${samples.length} answers, ${count(201)} × 201, ${count(503)} × 503 (${
    unknown.length
  } with write_committed unknown), max ${Math.round(Math.max(0, ...ms))} ms, p99 ${Math.round(
    percentile(ms, 99),
  )} ms`;
}

/**
 * Every answer is a 201 or the 503 envelope naming a reason and whether the write committed;
 * nothing is reset, hangs past the deadline or answers 500. Every 201 is a row, and so is no
 * write that answered write_committed: false.
 */
async function expectHonestAnswers(db: FaultyDatabase, samples: LoadSample[]) {
  const others = samples.filter((s) => s.status !== 201 && s.status !== 503);
  expect(others.map((s) => `${s.status} ${s.error ?? JSON.stringify(s.body)}`)).toEqual([]);
  for (const s of samples.filter((item) => item.status === 503)) {
    expect(s.body).toMatchObject({
      success: false,
      error: { code: 'SERVICE_UNAVAILABLE', status: 503, type: 'unavailable_error' },
    });
    expect(REASONS).toContain(s.body.error.details.reason);
    expect([false, 'unknown']).toContain(s.body.error.details.write_committed);
  }
  expect(Math.max(...samples.map((s) => s.ms))).toBeLessThanOrEqual(DEADLINE_MS + MARGIN_MS);
  const acknowledged = samples.filter((s) => s.status === 201).map((s) => s.id);
  const refused = samples
    .filter((s) => s.status === 503 && s.body.error.details.write_committed === false)
    .map((s) => s.id);
  const existing = await db.existingServerIds([...acknowledged, ...refused]);
  expect(acknowledged.filter((id) => !existing.has(id))).toEqual([]);
  expect(refused.filter((id) => existing.has(id))).toEqual([]);
}

describe(`database faults (${kind})`, () => {
  let db: FaultyDatabase;
  let app: AppProcess;
  let organizationId: string;

  beforeAll(async () => {
    db = await createFaultyDatabase();
    app = await startAppProcess({
      databaseUrl: db.url,
      env: { DB_QUERY_TIMEOUT_MS: String(DEADLINE_MS), DB_POOL_QUEUE_LIMIT: String(QUEUE_LIMIT) },
    });
    organizationId = (await createOrg(app)).organization_id;
    // Warm up (first-use compilation in the app and in this test's HTTP client), so the latency
    // measured under a fault is the fault's, not a cold start's.
    const warm = startWriters({ url: app.url, key: app.adminKey, organizationId, concurrency: 16 });
    await sleep(2000);
    await warm.stop();
  });
  afterEach(async () => {
    await db.restore();
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  const writers = () =>
    startWriters({ url: app.url, key: app.adminKey, organizationId, concurrency: 16 });

  // SQLite lives inside the app's process: there is no server to kill (a vanished file is
  // covered by test/e2e/service-health.e2e-spec.ts).
  (kind === 'mysql' ? it : it.skip)(
    'killed under 16 writers: 503 envelopes within the deadline, no acknowledged write lost, ready again without a restart',
    async () => {
      const load = writers();
      await sleep(1000);
      await db.kill!();
      await sleep(3000);
      const down = await app.request('GET', '/health/ready', { key: null });
      await db.restore();
      const recoveredMs = await waitReady(app, 10_000);
      await sleep(500);
      const samples = await load.stop();
      console.log(`${describeSamples('killed', samples)}, ready again after ${recoveredMs} ms`);

      expect(down.status).toBe(503);
      expect(down.body.error.details.reason).toBe('database_unavailable');
      expect(samples.filter((s) => s.status === 503).length).toBeGreaterThan(0);
      expect(recoveredMs).toBeLessThan(5000);
      await expectHonestAnswers(db, samples);
    },
  );

  it('hung under 16 writers: every write answers 201 or 503 within the deadline and says whether it committed', async () => {
    const load = writers();
    await sleep(1000);
    await db.hang();
    const reads: LoadSample[] = [];
    const probe = (async () => {
      const hangEnds = Date.now() + 4000;
      while (Date.now() < hangEnds) {
        const started = performance.now();
        const ready = await app.request('GET', '/health/ready', { key: null });
        reads.push({
          sentAt: started,
          ms: ready.ms,
          status: ready.status,
          body: ready.body,
          id: '',
        });
        await sleep(200);
      }
    })();
    await probe;
    await db.restore();
    const recoveredMs = await waitReady(app, 10_000);
    await sleep(500);
    const samples = await load.stop();
    console.log(
      `${describeSamples('hung', samples)}; ready during the hang: ${reads.map((r) => r.status).join(',')}, max ${Math.round(
        Math.max(...reads.map((r) => r.ms)),
      )} ms; ready again after ${recoveredMs} ms`,
    );

    await expectHonestAnswers(db, samples);
    const during = samples.filter((s) => s.status === 503);
    expect(during.length).toBeGreaterThan(0);
    expect(Math.max(...reads.map((r) => r.ms))).toBeLessThanOrEqual(DEADLINE_MS + MARGIN_MS);
    if (kind === 'mysql') {
      // The database is gone for every query: readiness says so, within its own bound (hung,
      // or every connection already waited for by the writers).
      expect(reads.some((r) => r.status === 503)).toBe(true);
      for (const r of reads.filter((item) => item.status === 503)) {
        expect(['database_timeout', 'pool_queue_full']).toContain(r.body.error.details.reason);
      }
    } else {
      // Only writers wait on SQLite's lock: reads go on, and the event loop is never blocked.
      expect(reads.every((r) => r.status === 200)).toBe(true);
      expect(Math.max(...reads.map((r) => r.ms))).toBeLessThan(500);
    }
    expect(recoveredMs).toBeLessThan(5000);
    const after = await app.request('POST', '/v1/mcp/server', { body: serverBody(organizationId) });
    expect(after.status).toBe(201);
  });

  it('waits out a stall shorter than the deadline: every write is a 201, none refused', async () => {
    const load = writers();
    await sleep(500);
    await db.hang();
    await sleep(DEADLINE_MS / 3);
    await db.restore();
    await sleep(500);
    const samples = await load.stop();
    console.log(describeSamples(`${Math.round(DEADLINE_MS / 3)} ms stall`, samples));

    expect(samples.filter((s) => s.status !== 201).map((s) => s.status)).toEqual([]);
    await expectHonestAnswers(db, samples);
  });

  it('keeps memory bounded and answers fast through a 10 s hang at 50 writes/s', async () => {
    const rssBefore = await app.rss();
    let rssMax = rssBefore;
    const sampler = setInterval(() => {
      void app.rss().then((rss) => (rssMax = Math.max(rssMax, rss)));
    }, 250);
    await db.hang();
    const samples = await paced(50, 10_000, () =>
      timedRequest(app.url, 'POST', '/v1/mcp/server', {
        key: app.adminKey,
        body: serverBody(organizationId),
        timeoutMs: 30_000,
      }),
    );
    clearInterval(sampler);
    await db.restore();
    await waitReady(app, 10_000);
    const growthMb = (rssMax - rssBefore) / 1024 / 1024;
    const reasons = new Map<string, number>();
    for (const s of samples.filter((item) => item.status === 503)) {
      const reason = s.body.error.details.reason as string;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    console.log(
      `${describeSamples('10 s hang at 50/s', samples)}; reasons ${JSON.stringify(Object.fromEntries(reasons))}; RSS ${Math.round(
        rssBefore / 1048576,
      )} → max ${Math.round(rssMax / 1048576)} MB`,
    );

    await expectHonestAnswers(db, samples);
    expect(samples.filter((s) => s.status === 503).length).toBeGreaterThan(samples.length / 2);
    expect(reasons.get('pool_queue_full') ?? 0).toBeGreaterThan(0);
    expect(growthMb).toBeLessThan(64);
  });
});
