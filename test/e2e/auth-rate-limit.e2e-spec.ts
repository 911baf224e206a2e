import { createKey, createOrg } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('rate limit per API key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers the 6th request of a minute with 429 RATE_LIMIT_EXCEEDED; other keys go on', async () => {
    const org = await createOrg(t);
    const first = await createKey(t, { organizationId: org.organization_id, role: 'member' });
    const second = await createKey(t, { organizationId: org.organization_id, role: 'viewer' });

    for (let i = 1; i <= 5; i += 1) {
      const res = await t.request('GET', '/v1/me', { key: first.key });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('5');
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(5 - i));
      expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    }
    const limited = await t.request('GET', '/v1/me', { key: first.key });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({
      success: false,
      error: { code: 'RATE_LIMIT_EXCEEDED', type: 'rate_limit_error', status: 429 },
    });
    expect(limited.body.error.trace_id).toBe(limited.headers.get('x-request-id'));
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('5');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(1);

    const other = await t.request('GET', '/v1/me', { key: second.key });
    expect(other.status).toBe(200);
    expect(other.headers.get('x-ratelimit-remaining')).toBe('4');
  });

  it('counts requests without a valid key per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      statuses.push((await t.request('GET', '/v1/me', { key: `ak_${'z'.repeat(40)}` })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

describe('rate limit turned off', () => {
  it('never limits with RATE_LIMIT_PER_MINUTE=0', async () => {
    const t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    try {
      for (let i = 0; i < 20; i += 1) {
        const res = await t.request('GET', '/v1/me');
        expect(res.status).toBe(200);
        expect(res.headers.get('x-ratelimit-limit')).toBeNull();
      }
    } finally {
      await t.close();
    }
  });
});
