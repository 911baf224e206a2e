import { AppProcess, startAppProcess } from '../support/app-process';
import { createKey, createOrg, serverBody, unique } from '../support/factories';
import { createSuiteDatabase, SuiteDatabase } from '../support/test-database';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { WebhookReceiver } from '../support/webhook-receiver';
import { startWorkerProcess, WorkerProcess } from '../support/worker-process';

jest.setTimeout(180_000);

const DELIVERY_ENV = {
  EVENTS_POLL_MS: '200',
  WEBHOOK_TIMEOUT_MS: '3000',
  WEBHOOK_BACKOFF_BASE_MS: '200',
  WEBHOOK_BACKOFF_MAX_MS: '1000',
};

/**
 * Webhook delivery from several processes sharing one database: subscriptions are claimed in
 * the database, so every event reaches its receiver once, in order, whichever replica commits
 * or delivers it; a replica killed mid-delivery loses its claim and another sends the event
 * again with the same Webhook-Id.
 */
describe('webhook deliveries across replicas', () => {
  let database: SuiteDatabase;
  let t: TestApp;
  let receiver: WebhookReceiver;
  const apps: AppProcess[] = [];
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    database = await createSuiteDatabase();
    // In-process: migrations, setup and reads of the database; it delivers nothing itself.
    t = await startTestApp({ WEBHOOK_WORKER_ENABLED: 'false' }, { database });
    receiver = new WebhookReceiver();
    await receiver.up();
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop(5_000);
    for (const worker of workers.splice(0)) await worker.stop(5_000);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.down();
    await database?.drop();
  });

  const sharedEnv = () => ({
    ...DELIVERY_ENV,
    DB_MIGRATIONS_RUN: 'false',
    CREDENTIALS_ENCRYPTION_KEYS: t.config.crypto.encryptionKeys,
    CREDENTIALS_ACTIVE_KEY_ID: t.config.crypto.activeKeyId,
  });

  async function subscribedOrg() {
    const organizationId = (await createOrg(t)).organization_id;
    const key = (await createKey(t, { organizationId, role: 'org_admin' })).key;
    const path = `/hook-${unique()}`;
    const created = await t.request('POST', '/v1/webhooks', {
      key,
      body: { url: receiver.url(path) },
    });
    expect(created.status).toBe(201);
    receiver.secretFor(path, created.body.secret);
    return { organizationId, key, path, webhookId: created.body.id as string };
  }

  it('delivers each event once and in order while two app processes write and deliver', async () => {
    const env = sharedEnv();
    apps.push(
      ...(await Promise.all([0, 1].map(() => startAppProcess({ databaseUrl: database.url, env })))),
    );
    const { key, path } = await subscribedOrg();
    const changes = 200;
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, writer) => {
        while (next < changes) {
          next += 1;
          const res = await apps[writer % 2].request('POST', '/v1/mcp/server', {
            key,
            body: serverBody(),
          });
          expect(res.status).toBe(201);
        }
      }),
    );
    await waitFor(() => receiver.on(path).length >= changes, 60_000, {
      what: `${changes} deliveries`,
    });
    const got = receiver.on(path);
    expect(got).toHaveLength(changes);
    expect(got.map((hook) => hook.body.sequence)).toEqual(
      Array.from({ length: changes }, (_, index) => index + 1),
    );
    expect(new Set(got.map((hook) => hook.id)).size).toBe(changes);
    expect(got.every((hook) => hook.signatureValid)).toBe(true);
  });

  it('redelivers the event a SIGKILLed replica was sending, with the same Webhook-Id, then the rest in order', async () => {
    const env = sharedEnv();
    apps.push(await startAppProcess({ databaseUrl: database.url, env }));
    workers.push(await startWorkerProcess({ databaseUrl: database.url, env }));
    const replicas = [
      {
        pid: apps[0].child.pid!,
        kill: () => apps[0].child.kill('SIGKILL'),
        exited: apps[0].exited,
      },
      {
        pid: workers[0].pid,
        kill: () => workers[0].child.kill('SIGKILL'),
        exited: workers[0].exited,
      },
    ];
    const { key, path, webhookId } = await subscribedOrg();
    // The receiver takes the first request and never answers it: the replica sending it hangs.
    receiver.behaviour = { kind: 'slow', ms: 120_000 };
    for (let i = 0; i < 5; i++) {
      expect((await t.request('POST', '/v1/mcp/server', { key, body: serverBody() })).status).toBe(
        201,
      );
    }
    await waitFor(() => receiver.on(path).length >= 1, 20_000, { what: 'the first request' });
    const [row] = await t.dataSource.query('SELECT claim_owner FROM webhooks WHERE id = ?', [
      webhookId,
    ]);
    // Claim owners are `<host>:<pid>:<random>:<batch>`.
    const victim = replicas.find(
      (replica) => String(row.claim_owner).split(':')[1] === String(replica.pid),
    );
    expect(victim).toBeDefined();
    receiver.behaviour = { kind: 'ok' };
    const killedAt = Date.now();
    victim!.kill();
    await victim!.exited;

    await waitFor(() => receiver.on(path).length >= 6, 30_000, {
      what: 'the redelivery and the rest',
    });
    const got = receiver.on(path);
    expect(got.map((hook) => hook.body.sequence)).toEqual([1, 1, 2, 3, 4, 5]);
    expect(got[1].id).toBe(got[0].id);
    expect(new Set(got.map((hook) => hook.id)).size).toBe(5);
    expect(got.every((hook) => hook.signatureValid)).toBe(true);
    console.log(
      `webhook SIGKILL: event 1 redelivered ${got[1].receivedAt - killedAt} ms after the kill (WEBHOOK_TIMEOUT_MS 3000 ms, so a 3000 ms lease)`,
    );
  });
});
