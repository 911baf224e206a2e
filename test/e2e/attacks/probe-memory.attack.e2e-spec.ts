import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { AppProcess, startAppProcess } from '../../support/app-process';
import { createSuiteDatabase, SuiteDatabase } from '../../support/test-database';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- shared with bench/hostile.js
const { measureHostileProbes } = require('../../../bench/lib/hostile-probes.js') as {
  measureHostileProbes: (options: {
    appUrl: string;
    adminKey: string;
    pid: number;
    hostileUrl: string;
    count: number;
    mb: number;
  }) => Promise<{
    results: { status: string; error: string }[];
    probeMs: number[];
    rssBeforeWarmUp: number;
    rssGrowth: number;
    live: { count: number; maxMs: number; p99Ms: number };
  }>;
};

jest.setTimeout(180_000);

const MiB = 1024 * 1024;
const ATTEMPTS = 3;

/**
 * Four tenants' servers answer `initialize` with 300 MB each, all probed at once, against the
 * built app in its own process: its RSS (read from /proc) may grow by less than 100 MB, and
 * /health/live, polled back to back the whole time, never takes 100 ms. The same measurement is
 * `npm run bench:hostile`; it warms the probe code paths first, as in a running service.
 */
describe('attack: four concurrent probes of 300 MB initialize answers', () => {
  let database: SuiteDatabase;
  let app: AppProcess;
  let hostile: ChildProcess;
  let hostileUrl: string;

  beforeAll(async () => {
    database = await createSuiteDatabase();
    app = await startAppProcess({
      databaseUrl: database.url,
      env: { HEALTH_CHECK_TIMEOUT_MS: '60000' },
    });
    // Its own process: generating 1.2 GB must not slow down the process that measures.
    hostile = spawn(process.execPath, [resolve(__dirname, '../../support/hostile-mcp-server.js')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((done) =>
      hostile.stdout!.once('data', (line: Buffer) => done(JSON.parse(String(line)).port)),
    );
    hostileUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    hostile?.kill('SIGKILL');
    await app?.stop();
    await database?.drop();
  });

  it('keeps RSS growth under 100 MB and /health/live under 100 ms', async () => {
    // The machine is shared: a run may lose the CPU to other processes for longer than the
    // budget. Every run must keep memory bounded and fail the probes fast; the latency budget
    // must hold in at least one of three runs (a real stall, like reading 300 MB, fails all).
    const liveMax: number[] = [];
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const result = await measureHostileProbes({
        appUrl: app.url,
        adminKey: app.adminKey,
        pid: app.child.pid!,
        hostileUrl,
        count: 4,
        mb: 300,
      });
      process.stderr.write(
        `probe-memory run ${attempt}: RSS +${(result.rssGrowth / MiB).toFixed(1)} MiB over ` +
          `${(result.rssBeforeWarmUp / MiB).toFixed(1)} MiB; /health/live max ` +
          `${result.live.maxMs.toFixed(1)} ms over ${result.live.count} calls; probes ` +
          `${result.probeMs.map((ms) => Math.round(ms)).join(', ')} ms\n`,
      );
      for (const probe of result.results) {
        expect(probe).toEqual({
          status: 'unhealthy',
          error: 'response too large: a message was larger than 4194304 bytes',
        });
      }
      expect(Math.max(...result.probeMs)).toBeLessThan(10_000);
      expect(result.rssGrowth).toBeLessThan(100 * MiB);
      expect(result.live.count).toBeGreaterThan(3);
      liveMax.push(result.live.maxMs);
      if (result.live.maxMs < 100) break;
    }
    expect(Math.min(...liveMax)).toBeLessThan(100);
  });
});
