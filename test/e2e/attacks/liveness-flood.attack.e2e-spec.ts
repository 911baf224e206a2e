import { startTestApp, TestApp } from '../../support/test-app';

const LIMIT = 20;
const badKey = (i: number) => `ak_${String(i).padStart(40, 'x')}`;

/**
 * Issue 11, item 8: a flood of failed logins from one address (an attacker, or everyone behind
 * one balancer) used to exhaust that address's budget, and /health/live shared it: the
 * orchestrator saw 429 and restarted a healthy service. The service's own health is never rate
 * limited; failed logins still are, per client address, and TRUST_PROXY decides whose
 * X-Forwarded-For names that address.
 */
describe('attack: failed logins against the service health', () => {
  describe('without TRUST_PROXY (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    });
    afterAll(async () => {
      await t.close();
    });

    async function flood(
      count: number,
      headers: (i: number) => Record<string, string> = () => ({}),
    ) {
      const statuses: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const res = await t.request('GET', '/v1/me', { key: badKey(i), headers: headers(i) });
        statuses.push(res.status);
      }
      return statuses;
    }

    it('keeps /health/live and /health/ready at 200 while failed logins are throttled', async () => {
      const statuses = await flood(LIMIT * 3 + 5);
      expect(statuses.slice(0, LIMIT).every((status) => status === 401)).toBe(true);
      expect(statuses.slice(LIMIT).every((status) => status === 429)).toBe(true);

      for (let i = 0; i < LIMIT * 3; i += 1) {
        const live = await t.request('GET', '/health/live', { key: null });
        expect(live.status).toBe(200);
        expect(live.headers.get('x-ratelimit-limit')).toBeNull();
      }
      const ready = await t.request('GET', '/health/ready', { key: null });
      expect(ready.status).toBe(200);
      // The probes did not count either: the flood's address is still throttled, not reset.
      expect((await t.request('GET', '/v1/me', { key: badKey(0) })).status).toBe(429);
    });

    it('keeps health at 200 even when probes and failed logins interleave', async () => {
      for (let i = 0; i < LIMIT; i += 1) {
        const [login, live, ready] = await Promise.all([
          t.request('GET', '/v1/me', { key: badKey(i) }),
          t.request('GET', '/health/live', { key: badKey(i) }),
          t.request('GET', '/health/ready', { key: null }),
        ]);
        expect(login.status).toBe(429);
        expect(live.status).toBe(200);
        expect(ready.status).toBe(200);
      }
    });

    it('ignores X-Forwarded-For: a flooder cannot pick a fresh address per request', async () => {
      const statuses = await flood(5, (i) => ({ 'x-forwarded-for': `198.51.100.${i + 1}` }));
      expect(statuses).toEqual([429, 429, 429, 429, 429]);
    });
  });

  describe('with TRUST_PROXY naming the balancer (loopback here)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ RATE_LIMIT_PER_MINUTE: String(LIMIT), TRUST_PROXY: '127.0.0.1' });
    });
    afterAll(async () => {
      await t.close();
    });

    it("throttles the flooding client only, by the balancer's X-Forwarded-For", async () => {
      const attacker = { 'x-forwarded-for': '203.0.113.7' };
      const statuses: number[] = [];
      for (let i = 0; i < LIMIT + 3; i += 1) {
        statuses.push(
          (await t.request('GET', '/v1/me', { key: badKey(i), headers: attacker })).status,
        );
      }
      expect(statuses.slice(LIMIT)).toEqual([429, 429, 429]);

      // Another client behind the same balancer is not caught by the attacker's flood.
      const neighbour = await t.request('GET', '/v1/me', {
        key: badKey(1),
        headers: { 'x-forwarded-for': '203.0.113.8' },
      });
      expect(neighbour.status).toBe(401);
      const live = await t.request('GET', '/health/live', { key: null, headers: attacker });
      expect(live.status).toBe(200);
      const valid = await t.request('GET', '/v1/me', { headers: attacker });
      expect(valid.status).toBe(200);
    });
  });
});
