import * as fs from 'node:fs';
import { startTestApp, TestApp } from '../support/test-app';
import { createSuiteDatabase, suiteDatabaseKind } from '../support/test-database';
import { TcpProxy } from '../support/tcp-proxy';
import { waitFor } from '../support/wait';

/** Milliseconds until `path` answers `status`. */
function waitForStatus(t: TestApp, path: string, status: number, withinMs: number) {
  return waitFor(
    async () => (await t.request('GET', path, { key: null })).status === status,
    withinMs,
    {
      pollMs: 100,
      what: `${path} answering ${status}`,
    },
  );
}

describe('service health', () => {
  it('is live and ready on a healthy database', async () => {
    const t = await startTestApp();
    try {
      expect((await t.request('GET', '/health/live', { key: null })).status).toBe(200);
      const ready = await t.request('GET', '/health/ready', { key: null });
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    } finally {
      await t.close();
    }
  });

  it('answers 503 in the envelope while the database is down and recovers without a restart', async () => {
    if (suiteDatabaseKind() === 'mysql') {
      const base = new URL(process.env.DATABASE_URL!);
      const proxy = new TcpProxy(base.hostname, Number(base.port || 3306));
      const proxyPort = await proxy.start();
      const database = await createSuiteDatabase();
      const viaProxy = new URL(database.url);
      viaProxy.host = `127.0.0.1:${proxyPort}`;
      const t = await startTestApp(
        { DATABASE_URL: viaProxy.toString() },
        { database: { ...database, url: viaProxy.toString() } },
      );
      try {
        await waitForStatus(t, '/health/ready', 200, 2000);
        await proxy.stop();
        const downAfter = await waitForStatus(t, '/health/ready', 503, 5000);
        expect(downAfter).toBeLessThan(5000);
        const down = await t.request('GET', '/health/ready', { key: null });
        expect(down.body).toMatchObject({
          success: false,
          error: { code: 'SERVICE_UNAVAILABLE', status: 503, type: 'unavailable_error' },
        });
        expect(down.body.error.trace_id).toBe(down.headers.get('x-request-id'));
        expect((await t.request('GET', '/health/live', { key: null })).status).toBe(200);
        const data = await t.request('GET', '/v1/organizations');
        expect(data.status).toBe(503);
        expect(data.body.error.code).toBe('SERVICE_UNAVAILABLE');
        await proxy.start(proxyPort);
        await waitForStatus(t, '/health/ready', 200, 10000);
        expect((await t.request('GET', '/v1/organizations')).status).toBe(200);
      } finally {
        await proxy.stop();
        await t.app.close();
        await database.drop();
      }
      return;
    }

    const t = await startTestApp();
    const file = t.database.url.slice('sqlite:'.length);
    try {
      await waitForStatus(t, '/health/ready', 200, 2000);
      // The handle is lost and the file cannot be opened again: a directory stands in its place.
      await t.dataSource.destroy();
      fs.renameSync(file, `${file}.away`);
      fs.mkdirSync(file);
      const down = await t.request('GET', '/health/ready', { key: null });
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({
        success: false,
        error: { code: 'SERVICE_UNAVAILABLE', status: 503 },
      });
      expect((await t.request('GET', '/health/live', { key: null })).status).toBe(200);
      const data = await t.request('GET', '/v1/organizations');
      expect(data.status).toBe(503);
      expect(data.body.error.code).toBe('SERVICE_UNAVAILABLE');
      fs.rmdirSync(file);
      fs.renameSync(`${file}.away`, file);
      await waitForStatus(t, '/health/ready', 200, 5000);
      expect((await t.request('GET', '/v1/organizations')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
