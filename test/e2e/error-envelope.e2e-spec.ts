import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

function expectEnvelope(body: any, status: number, code: string, type: string) {
  expect(body).toEqual({
    success: false,
    error: expect.objectContaining({
      code,
      type,
      status,
      message: expect.any(String),
      system_message: expect.any(String),
      trace_id: expect.any(String),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    }),
  });
}

describe('error envelope on every error class', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('404 for an unknown route, with the caller request id as trace_id', async () => {
    const res = await t.request('POST', '/v1/does-not-exist', {
      headers: { 'x-request-id': 'trace-abc_1' },
    });
    expect(res.status).toBe(404);
    expectEnvelope(res.body, 404, 'NOT_FOUND', 'not_found_error');
    expect(res.body.error.trace_id).toBe('trace-abc_1');
    expect(res.headers.get('x-request-id')).toBe('trace-abc_1');
  });

  it('replaces an unsafe incoming request id with a generated one', async () => {
    const res = await t.request('GET', '/v1/does-not-exist', {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24}$/);
    expect(res.body.error.trace_id).toBe(res.headers.get('x-request-id'));
  });

  it('puts the trace id in the log line of the request', async () => {
    await t.request('GET', '/health/live', { headers: { 'x-request-id': 'trace-in-logs-1' } });
    // The request's log line is written once the response is on its way: wait for it.
    await waitFor(() => t.logs.some((l) => l.includes('trace-in-logs-1')), 2_000);
    const line = t.logs.map((l) => JSON.parse(l)).find((l) => l.trace_id === 'trace-in-logs-1');
    expect(line).toMatchObject({
      method: 'GET',
      url: '/health/live',
      route: '/health/live',
      status: 200,
    });
    expect(typeof line.latency_ms).toBe('number');
  });

  it('400 naming the field for a validation failure and for an unknown field', async () => {
    const missing = await t.request('POST', '/v1/organizations', { body: {} });
    expect(missing.status).toBe(400);
    expectEnvelope(missing.body, 400, 'VALIDATION_ERROR', 'validation_error');
    expect(missing.body.error.message).toBe('Invalid request parameters');
    expect(missing.body.error.details.fields.map((f: any) => f.field)).toContain('name');

    const unknown = await t.request('POST', '/v1/organizations', {
      body: { name: 'Acme', colour: 'red' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields.map((f: any) => f.field)).toContain('colour');
  });

  it('400 for malformed JSON', async () => {
    const res = await t.request('POST', '/v1/organizations', {
      rawBody: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expectEnvelope(res.body, 400, 'VALIDATION_ERROR', 'validation_error');
    expect(res.body.error.details.fields[0].field).toBe('body');
  });

  it('413 for a body over 1 MiB', async () => {
    const res = await t.request('POST', '/v1/organizations', {
      rawBody: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expectEnvelope(res.body, 413, 'PAYLOAD_TOO_LARGE', 'validation_error');
  });

  it('415 for a body that is not JSON', async () => {
    for (const type of ['application/xml', 'text/plain']) {
      const res = await t.request('POST', '/v1/organizations', {
        rawBody: '<org/>',
        headers: { 'content-type': type },
      });
      expect(res.status).toBe(415);
      expectEnvelope(res.body, 415, 'UNSUPPORTED_MEDIA_TYPE', 'validation_error');
    }
  });

  it('500 with nothing internal when a query fails, and logs it with the trace id', async () => {
    const runner = t.dataSource.createQueryRunner();
    await runner.renameTable('teams', 'teams_moved_away');
    try {
      const res = await t.request('GET', '/v1/teams', {
        headers: { 'x-request-id': 'trace-500-x' },
      });
      expect(res.status).toBe(500);
      expectEnvelope(res.body, 500, 'INTERNAL_ERROR', 'server_error');
      expect(res.text).not.toMatch(/teams|SELECT|sqlite|mysql|stack|at /i);
      await waitFor(
        () => t.logs.some((l) => l.includes('trace-500-x') && l.includes('INTERNAL_ERROR')),
        2_000,
        { what: 'the 500 logged with its trace id' },
      );
    } finally {
      await runner.renameTable('teams_moved_away', 'teams');
      await runner.release();
    }
  });
});
