import { RawResponse, rawHttp } from '../../support/raw-http';
import { startTestApp, TestApp } from '../../support/test-app';

/**
 * Issue 11, item 7: requests refused before any route runs (Fastify's router, Node's HTTP parser,
 * the request timeout) answer in the API.md envelope with a trace id equal to X-Request-Id, and
 * never echo the hostile input. Raw sockets: fetch would refuse to send most of these.
 */
describe('attack: framework-level refusals', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ HTTP_REQUEST_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    await t.close();
  });

  function expectEnvelope(res: RawResponse, status: number, code: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      success: false,
      error: { status, code, type: 'validation_error' },
    });
    expect(res.headers['x-request-id']).toMatch(/^req_[0-9a-f]{24}$/);
    expect(res.body.error.trace_id).toBe(res.headers['x-request-id']);
    expect(typeof res.body.error.timestamp).toBe('string');
  }

  const get = (target: string, extra = '') =>
    `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${extra}\r\n`;

  it.each(['/v1/teams/%ff', '/v1/mcp/server/%E0%A4%A', '/health/%zz<script>'])(
    'answers a bad URL escape (%s) with a 400 envelope that does not echo it',
    async (target) => {
      const res = await rawHttp(t.url, [get(target)]);
      expectEnvelope(res, 400, 'VALIDATION_ERROR');
      expect(res.body.error.details.fields[0].field).toBe('url');
      expect(res.text).not.toContain(target);
      expect(res.text).not.toContain('FST_');
    },
  );

  it('answers an over-long path parameter with 414', async () => {
    const res = await rawHttp(t.url, [get(`/v1/teams/${'t'.repeat(300)}`)]);
    expectEnvelope(res, 414, 'URI_TOO_LONG');
    expect(res.text).not.toContain('t'.repeat(300));
  });

  it('answers a request line over the header limit with 414', async () => {
    const res = await rawHttp(t.url, [get(`/v1/teams?q=${'u'.repeat(20_000)}`)]);
    expectEnvelope(res, 414, 'URI_TOO_LONG');
  });

  it('answers headers over the limit with 431', async () => {
    const res = await rawHttp(t.url, [get('/v1/teams', `X-Big: ${'h'.repeat(20_000)}\r\n`)]);
    expectEnvelope(res, 431, 'HEADERS_TOO_LARGE');
    expect(res.text).not.toContain('hhhh');
  });

  it.each([
    ['a header line without a colon', 'GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n'],
    ['a method with a forbidden character', 'G@T / HTTP/1.1\r\nHost: x\r\n\r\n'],
    [
      'a non-numeric Content-Length',
      'POST /v1/teams HTTP/1.1\r\nHost: x\r\nContent-Length: ab\r\n\r\n',
    ],
    [
      'Content-Length beside chunked Transfer-Encoding (smuggling)',
      'POST /v1/teams HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    [
      'a bad chunk size',
      'POST /v1/teams HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    ],
    [
      'not HTTP at all',
      '\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003\r\n\r\n',
    ],
  ])('answers %s with a 400 envelope', async (_name, request) => {
    const res = await rawHttp(t.url, [request]);
    expectEnvelope(res, 400, 'VALIDATION_ERROR');
    expect(res.body.error.details.fields[0].field).toBe('request');
  });

  it('answers a malformed request on a kept-alive connection after a good one', async () => {
    const res = await rawHttp(
      t.url,
      [
        'GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n',
        'GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n',
      ],
      { gapMs: 200 },
    );
    expectEnvelope(res, 400, 'VALIDATION_ERROR');
  });

  it('answers a client that stops sending its body with 408 once the request timeout passes', async () => {
    const res = await rawHttp(t.url, [
      'POST /v1/teams HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na',
    ]);
    expectEnvelope(res, 408, 'REQUEST_TIMEOUT');
    expect(res.elapsedMs).toBeGreaterThanOrEqual(900);
    expect(res.elapsedMs).toBeLessThan(5_000);
  });

  it('answers a client that dribbles its headers with 408', async () => {
    const res = await rawHttp(
      t.url,
      ['GET /health/live HTTP/1.1\r\n', 'Host: x\r\n', 'X-A: 1\r\n', 'X-B: 2\r\n', 'X-C: 3\r\n'],
      { gapMs: 400 },
    );
    expectEnvelope(res, 408, 'REQUEST_TIMEOUT');
  });

  it('keeps serving after all of the above', async () => {
    const res = await t.request('GET', '/health/live', { key: null });
    expect(res.status).toBe(200);
  });
});
