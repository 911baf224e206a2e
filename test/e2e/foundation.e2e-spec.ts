import { startTestApp, TestApp } from '../support/test-app';

describe('foundation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers liveness and readiness', async () => {
    const live = await t.request('GET', '/health/live', { key: null });
    expect(live.status).toBe(200);
    const ready = await t.request('GET', '/health/ready', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
  });

  it('renders an unknown route as the 404 envelope with the request id', async () => {
    const res = await t.request('GET', '/nope', { headers: { 'x-request-id': 'my-trace-1' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('my-trace-1');
    expect(res.body).toMatchObject({
      success: false,
      error: { code: 'NOT_FOUND', status: 404, type: 'not_found_error', trace_id: 'my-trace-1' },
    });
  });
});
