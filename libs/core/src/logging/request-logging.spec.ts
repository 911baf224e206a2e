import Fastify, { FastifyInstance } from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { installRequestLogging } from './request-logging';
import { currentTraceId } from './trace-context';

describe('installRequestLogging', () => {
  let app: FastifyInstance;
  const lines: Record<string, unknown>[] = [];

  async function start(level: string): Promise<void> {
    lines.length = 0;
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        callback();
      },
    });
    const logger = pino(
      {
        level,
        mixin: () => {
          const traceId = currentTraceId();
          return traceId === undefined ? {} : { trace_id: traceId };
        },
      },
      destination,
    );
    let n = 0;
    app = Fastify({ genReqId: () => `req_${++n}` });
    installRequestLogging(app, logger);
    app.post('/items/:id', async (request) => {
      // Work after an await, inside the handler of a request whose body was parsed.
      await new Promise((resolve) => setTimeout(resolve, 5));
      logger.info({ item: (request.params as { id: string }).id }, 'handled');
      return { ok: true };
    });
    app.get('/fail', async (_request, reply) => reply.status(503).send({ ok: false }));
    await app.ready();
  }

  afterEach(async () => {
    await app.close();
  });

  it('logs one line per request with method, path without query, route, status and latency', async () => {
    await start('info');
    const res = await app.inject({
      method: 'POST',
      url: '/items/7?secret=x',
      payload: { a: 1 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe('req_1');
    const handled = lines.find((line) => line.msg === 'handled');
    expect(handled).toMatchObject({ item: '7', trace_id: 'req_1' });
    const done = lines.find((line) => line.msg === 'request completed');
    expect(done).toMatchObject({
      trace_id: 'req_1',
      method: 'POST',
      url: '/items/7',
      route: '/items/:id',
      status: 200,
      level: 30,
    });
    expect(typeof done?.latency_ms).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('secret=x');
  });

  it('logs 5xx at error and skips lines below the level', async () => {
    await start('warn');
    await app.inject({ method: 'POST', url: '/items/1', payload: {} });
    await app.inject({ method: 'GET', url: '/fail' });
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'request completed', status: 503, level: 50 }),
    ]);
  });

  it('leaves no trace id on lines logged outside a request', async () => {
    await start('info');
    expect(currentTraceId()).toBeUndefined();
  });
});
