import { randomBytes } from 'node:crypto';
import { sleep } from '../support/app-process';
import {
  RolloutCluster as Cluster,
  rotateSecrets as rotate,
  totals,
  type Keys,
} from '../support/rollout-cluster';
import { createSuiteDatabase, type SuiteDatabase } from '../support/test-database';

jest.setTimeout(300_000);

const k1 = `k1:${randomBytes(32).toString('base64')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;
const ONLY_K1: Keys = { CREDENTIALS_ENCRYPTION_KEYS: k1, CREDENTIALS_ACTIVE_KEY_ID: 'k1' };
const BOTH_K1_ACTIVE: Keys = {
  CREDENTIALS_ENCRYPTION_KEYS: `${k1},${k2}`,
  CREDENTIALS_ACTIVE_KEY_ID: 'k1',
};
const BOTH_K2_ACTIVE: Keys = {
  CREDENTIALS_ENCRYPTION_KEYS: `${k1},${k2}`,
  CREDENTIALS_ACTIVE_KEY_ID: 'k2',
};
const ONLY_K2: Keys = { CREDENTIALS_ENCRYPTION_KEYS: k2, CREDENTIALS_ACTIVE_KEY_ID: 'k2' };
const KEY_MESSAGE = 'encryption key k2 is not configured on this instance';

describe('encryption key rollout across two app processes under load', () => {
  let database: SuiteDatabase;
  let cluster: Cluster | undefined;

  beforeEach(async () => {
    database = await createSuiteDatabase();
  });
  afterEach(async () => {
    await cluster?.stop();
    await database.drop();
  });

  it('two-phase procedure (add k2 everywhere, then activate it, rotate, remove k1): no 500, no key 503, every value readable', async () => {
    cluster = new Cluster(database);
    await cluster.start(ONLY_K1);
    cluster.startLoad(6);
    await sleep(1_500);
    const steps: [string, Keys][] = [
      ['1 add k2', BOTH_K1_ACTIVE],
      ['2 activate k2', BOTH_K2_ACTIVE],
    ];
    for (const [phase, keys] of steps) {
      for (const index of [0, 1]) {
        cluster.phase = `${phase} replica${index}`;
        await cluster.restart(index, keys);
        await sleep(1_000);
      }
    }
    cluster.phase = '3 rotate';
    const rotation = await rotate(database.url, BOTH_K2_ACTIVE);
    expect({ code: rotation.code, out: rotation.out }).toMatchObject({ code: 0 });
    for (const index of [0, 1]) {
      cluster.phase = `4 remove k1 replica${index}`;
      await cluster.restart(index, ONLY_K2);
      await sleep(1_000);
    }
    await cluster.stopLoad();
    console.log(
      JSON.stringify(
        { totals: totals(cluster.counts), counts: cluster.counts, written: cluster.written.length },
        null,
        1,
      ),
    );

    expect(cluster.failures).toEqual([]);
    expect(
      Object.keys(cluster.counts).filter((label) => / 5\d\d(-key)?$| network /.test(label)),
    ).toEqual([]);
    // Every value written during the rollout opens with k2 alone, through the API and the job.
    cluster.phase = 'final';
    const unreadable: string[] = [];
    const queue = [...cluster.written];
    const final = cluster;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let item = queue.pop(); item; item = queue.pop()) {
          const status = await final.readOne(final.replicas[0], 0, item);
          if (status !== (item.kind === 'server' ? 202 : 200))
            unreadable.push(`${item.id} ${status}`);
        }
      }),
    );
    expect(unreadable).toEqual([]);
    expect(cluster.failures).toEqual([]);
    const check = await rotate(database.url, ONLY_K2);
    expect(check.code).toBe(0);
    const summary = JSON.parse(check.out.trim().split('\n').pop()!) as {
      ok: boolean;
      columns: unknown;
    };
    expect(summary.ok).toBe(true);
  });

  it('the unsafe order (k2 active on one replica only) answers 503 naming the key on the other, never 500, and readiness reports it', async () => {
    cluster = new Cluster(database);
    await cluster.start(ONLY_K1);
    cluster.phase = 'k2 active on replica0 only';
    await cluster.restart(0, BOTH_K2_ACTIVE);
    // Writes land on replica0 (sealed with k2); reads go to both.
    for (let i = 0; i < 12; i++) await cluster.writeOne(cluster.replicas[0], 0);
    const statuses: number[] = [];
    for (const item of cluster.written) {
      statuses.push(await cluster.readOne(cluster.replicas[1], 1, item));
    }
    expect(statuses.filter((status) => status !== 503)).toEqual([]);
    const old = cluster.replicas[1];
    expect(
      old.output().filter((line) => line.includes('sealed with encryption key k2')),
    ).toHaveLength(1);
    cluster.startLoad(4, () => (Math.random() < 0.5 ? 0 : 1));
    await sleep(2_000);
    await cluster.stopLoad();
    console.log(
      JSON.stringify({ totals: totals(cluster.counts), counts: cluster.counts }, null, 1),
    );

    expect(cluster.failures).toEqual([]);
    expect(
      Object.keys(cluster.counts).filter((label) => /replica1 .* 503-key$/.test(label)),
    ).not.toEqual([]);
    const refused = await old.request(
      'GET',
      `/v1/mcp-configurations/${cluster.written.find((w) => w.kind === 'configuration')!.id}/credentials`,
      { key: cluster.adminKey },
    );
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      type: 'unavailable_error',
    });
    expect(refused.body.error.message).toContain(KEY_MESSAGE);
    expect(refused.body.error.trace_id).toBe(refused.headers.get('x-request-id'));
    const ready = await old.request('GET', '/health/ready', { key: null });
    expect(ready.status).toBe(200);
    // Logged once for the key id, however many requests met it.
    expect(
      old.output().filter((line) => line.includes('sealed with encryption key k2')),
    ).toHaveLength(1);
    expect(ready.body.info.encryption_keys).toMatchObject({
      status: 'up',
      active: 'k1',
      known: ['k1'],
      unknown_seen: ['k2'],
    });

    // Finishing step 1 and 2 on the other replica ends it: every value reads there too.
    cluster.phase = 'k2 everywhere';
    await cluster.restart(1, BOTH_K2_ACTIVE);
    for (const item of cluster.written) {
      expect(await cluster.readOne(cluster.replicas[1], 1, item)).toBe(
        item.kind === 'server' ? 202 : 200,
      );
    }
    expect(cluster.failures).toEqual([]);
  });
});
