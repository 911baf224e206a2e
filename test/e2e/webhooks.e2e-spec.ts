import { createServer, orgWithKey, unique } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(60_000);

/** Webhook subscriptions (CRUD, secret, target policy) and deliveries to a real receiver. */
describe('webhooks', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = new WebhookReceiver();
    await receiver.up();
    t = await startTestApp({
      EVENTS_POLL_MS: '100',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_MAX_ATTEMPTS: '8',
      WEBHOOK_BACKOFF_BASE_MS: '100',
      WEBHOOK_BACKOFF_MAX_MS: '300',
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.down();
  });

  /** A subscription posting to its own path of the receiver, which knows its secret. */
  async function subscribe(key: string, body: Record<string, unknown> = {}) {
    const path = `/hook-${unique()}`;
    const res = await t.request('POST', '/v1/webhooks', {
      key,
      body: { url: receiver.url(path), ...body },
    });
    expect(res.status).toBe(201);
    receiver.secretFor(path, res.body.secret);
    return { id: res.body.id as string, secret: res.body.secret as string, path };
  }

  async function events(key: string): Promise<any[]> {
    return (await t.request('GET', '/v1/events', { key })).body.events;
  }

  it('creates, lists, replaces and deletes subscriptions; the secret is shown once and stored sealed', async () => {
    const { organizationId, key } = await orgWithKey(t);
    const created = await t.request('POST', '/v1/webhooks', {
      key,
      body: { url: 'https://hooks.example.com/a', types: ['mcp_server.*', 'team.changed'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^whk_[0-9a-f]{32}$/),
      organization_id: organizationId,
      url: 'https://hooks.example.com/a',
      types: ['mcp_server.*', 'team.changed'],
      active: true,
      delivered_sequence: 0,
      failed_attempts: 0,
      next_attempt_at: null,
      disabled_at: null,
      disabled_reason: null,
      created_by: expect.any(String),
      created_at: expect.any(String),
      updated_at: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const { id, secret } = created.body;
    const read = await t.request('GET', `/v1/webhooks/${id}`, { key });
    const { secret: _secret, ...withoutSecret } = created.body;
    expect(read.body).toEqual(withoutSecret);
    const listed = await t.request('GET', '/v1/webhooks', { key });
    expect(listed.body.webhooks).toEqual([withoutSecret]);

    const replaced = await t.request('PUT', `/v1/webhooks/${id}`, {
      key,
      body: { url: 'https://hooks.example.com/b', active: false },
    });
    expect(replaced.body).toMatchObject({
      url: 'https://hooks.example.com/b',
      types: [],
      active: false,
    });
    expect((await t.request('DELETE', `/v1/webhooks/${id}`, { key })).status).toBe(204);
    expect((await t.request('GET', `/v1/webhooks/${id}`, { key })).status).toBe(404);

    const rows = await t.dataSource.query('SELECT COUNT(*) AS n FROM webhooks WHERE id = ?', [id]);
    expect(Number(rows[0].n)).toBe(0);
    const audit = await t.request('GET', `/v1/audit-events?resource_id=${id}`, { key });
    expect(audit.body.audit_events.map((event: any) => event.action).sort()).toEqual([
      'webhook.create',
      'webhook.delete',
      'webhook.update',
    ]);
    const everywhere = [JSON.stringify(audit.body), ...t.logs].join('\n');
    expect(everywhere).not.toContain(secret);
    expect(everywhere).not.toContain(secret.slice(6));
  });

  it('stores the secret encrypted, bound to its row', async () => {
    const { key } = await orgWithKey(t);
    const { id, secret } = await subscribe(key);
    const [row] = await t.dataSource.query('SELECT secret_sealed FROM webhooks WHERE id = ?', [id]);
    expect(row.secret_sealed).not.toContain(secret.slice(6));
    expect(row.secret_sealed).toMatch(/^v1\.k1\./);
  });

  it('refuses URLs outside the probe target policy, and types that name no event, naming the field', async () => {
    const { key } = await orgWithKey(t);
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'http://hooks.example.com/x' }, 'url'],
      [{ url: 'ftp://hooks.example.com/x' }, 'url'],
      [{ url: 'https://user:pass@hooks.example.com/x' }, 'url'],
      [{ url: 'https://169.254.169.254/latest' }, 'url'],
      [{ url: 'https://[::ffff:169.254.169.254]/x' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: `https://hooks.example.com/${'x'.repeat(2100)}` }, 'url'],
      [{ url: 'https://hooks.example.com/x', types: ['server.created'] }, 'types[0]'],
      [{ url: 'https://hooks.example.com/x', types: 'mcp_server.*' }, 'types'],
      [{ url: 'https://hooks.example.com/x', secret: 'mine' }, 'secret'],
    ];
    for (const [body, field] of cases) {
      const res = await t.request('POST', '/v1/webhooks', { key, body });
      expect([res.status, res.body.error.details.fields[0].field]).toEqual([400, field]);
    }
  });

  it('delivers each event once, in order, signed (Standard Webhooks), with the event as body and its id as Webhook-Id', async () => {
    const { key } = await orgWithKey(t);
    const before = await createServer(t, key);
    const hook = await subscribe(key);
    const teamOnly = await subscribe(key, { types: ['team.*'] });
    const servers = [];
    for (let i = 0; i < 5; i++) servers.push(await createServer(t, key));
    await t.request('POST', '/v1/teams', {
      key,
      body: { name: `T ${unique()}`, access_groups: [] },
    });
    await waitFor(() => receiver.on(hook.path).length >= 6, 10_000, { what: '6 deliveries' });
    await waitFor(() => receiver.on(teamOnly.path).length >= 1, 10_000);

    await waitFor(async () => (await events(key)).length >= 7, 5_000);
    const got = receiver.on(hook.path);
    const feed = await events(key);
    expect(got.map((hook) => hook.body)).toEqual(feed.slice(1));
    expect(got.map((hook) => hook.id)).toEqual(feed.slice(1).map((event) => event.id));
    expect(got.every((hook) => hook.signatureValid)).toBe(true);
    expect(got.map((hook) => hook.body.resource_id)).not.toContain(before.server_id);
    expect(receiver.on(teamOnly.path).map((hook) => hook.body.type)).toEqual(['team.changed']);

    await waitFor(
      async () =>
        (await t.request('GET', `/v1/webhooks/${teamOnly.id}`, { key })).body.delivered_sequence ===
        7,
      5_000,
      { what: 'the team-only cursor past every event' },
    );
    // The cursor and the attempt log are written per batch, within about a second.
    await waitFor(
      async () =>
        (await t.request('GET', `/v1/webhooks/${hook.id}`, { key })).body.delivered_sequence === 7,
      5_000,
    );
    const deliveries = await t.request('GET', `/v1/webhooks/${hook.id}/deliveries?limit=2`, {
      key,
    });
    expect(deliveries.body.deliveries).toEqual([
      expect.objectContaining({
        sequence: 7,
        attempt: 1,
        outcome: 'delivered',
        http_status: 204,
        error: null,
      }),
      expect.objectContaining({
        sequence: 6,
        event_id: feed[5].id,
        event_type: 'mcp_server.created',
      }),
    ]);
    expect(deliveries.body.pagination.has_more).toBe(true);
    const next = await t.request(
      'GET',
      `/v1/webhooks/${hook.id}/deliveries?limit=100&cursor=${deliveries.body.pagination.next_cursor}`,
      { key },
    );
    expect(next.body.deliveries.map((delivery: any) => delivery.sequence)).toEqual([5, 4, 3, 2]);
  });

  it('holds later events while the receiver is down, then delivers every one in order, none twice', async () => {
    const other = new WebhookReceiver();
    await other.up();
    try {
      const { key } = await orgWithKey(t);
      const path = `/down-${unique()}`;
      const created = await t.request('POST', '/v1/webhooks', {
        key,
        body: { url: other.url(path) },
      });
      other.secretFor(path, created.body.secret);
      await other.down();
      for (let i = 0; i < 6; i++) await createServer(t, key);
      await waitFor(
        async () =>
          (await t.request('GET', `/v1/webhooks/${created.body.id}`, { key })).body
            .failed_attempts >= 3,
        10_000,
        { what: 'three failed attempts' },
      );
      const failed = await t.request('GET', `/v1/webhooks/${created.body.id}/deliveries`, { key });
      expect(failed.body.deliveries[0]).toMatchObject({
        sequence: 1,
        outcome: 'failed',
        http_status: null,
        error: 'connection refused',
        next_attempt_at: expect.any(String),
      });
      await other.up();
      await waitFor(() => other.on(path).length >= 6, 10_000, {
        what: 'all six after the receiver came back',
      });
      const got = other.on(path);
      expect(got.map((hook) => hook.body.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(new Set(got.map((hook) => hook.id)).size).toBe(6);
      expect(got.every((hook) => hook.signatureValid)).toBe(true);
    } finally {
      await other.down();
    }
  });

  it('disables a subscription after its last attempt, writes webhook.disabled, and resumes on redeliver', async () => {
    const { key } = await orgWithKey(t);
    const failing = new WebhookReceiver();
    failing.behaviour = { kind: 'status', status: 500 };
    await failing.up();
    try {
      const path = `/fail-${unique()}`;
      const created = await t.request('POST', '/v1/webhooks', {
        key,
        body: { url: failing.url(path) },
      });
      failing.secretFor(path, created.body.secret);
      const id = created.body.id;
      await createServer(t, key);
      await createServer(t, key);
      await waitFor(
        async () => (await t.request('GET', `/v1/webhooks/${id}`, { key })).body.active === false,
        15_000,
        { what: 'the subscription disabled' },
      );
      const disabled = (await t.request('GET', `/v1/webhooks/${id}`, { key })).body;
      expect(disabled).toMatchObject({
        active: false,
        delivered_sequence: 0,
        failed_attempts: 8,
        disabled_at: expect.any(String),
        disabled_reason: 'event 1 failed 8 times; last: the receiver answered HTTP 500',
      });
      expect(failing.on(path).map((hook) => hook.body.sequence)).toEqual(Array(8).fill(1));
      await waitFor(async () => (await events(key)).length >= 3, 5_000);
      const feed = await events(key);
      expect(feed[2]).toMatchObject({ sequence: 3, type: 'webhook.disabled', resource_id: id });
      expect(feed[2].data).toMatchObject({ id, active: false, failed_attempts: 8 });
      expect(JSON.stringify(feed[2].data)).not.toContain(created.body.secret);
      const attempts = (await t.request('GET', `/v1/webhooks/${id}/deliveries`, { key })).body
        .deliveries;
      expect(attempts.map((attempt: any) => attempt.attempt)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
      expect(attempts[0]).toMatchObject({
        outcome: 'failed',
        http_status: 500,
        next_attempt_at: null,
      });

      failing.behaviour = { kind: 'ok' };
      const resumed = await t.request('POST', `/v1/webhooks/${id}/redeliver`, { key, body: {} });
      expect(resumed.status).toBe(200);
      expect(resumed.body).toMatchObject({ active: true, failed_attempts: 0, disabled_at: null });
      // Its own webhook.disabled event is delivered like any other.
      await waitFor(
        () => failing.on(path).filter((hook) => hook.status === 204).length >= 3,
        10_000,
      );
      const delivered = failing.on(path).filter((hook) => hook.status === 204);
      expect(delivered.map((hook) => hook.body.type)).toEqual([
        'mcp_server.created',
        'mcp_server.created',
        'webhook.disabled',
      ]);
      const audit = await t.request('GET', `/v1/audit-events?action=webhook.redeliver`, { key });
      expect(audit.body.audit_events).toHaveLength(1);
    } finally {
      await failing.down();
    }
  });

  it('redelivers from a stored sequence with the same Webhook-Ids, and refuses sequences it never had', async () => {
    const { key } = await orgWithKey(t);
    const hook = await subscribe(key);
    await createServer(t, key);
    await createServer(t, key);
    await waitFor(() => receiver.on(hook.path).length >= 2, 10_000);
    const first = receiver.on(hook.path).map((got) => got.id);
    const again = await t.request('POST', `/v1/webhooks/${hook.id}/redeliver`, {
      key,
      body: { after: 0 },
    });
    expect(again.body.delivered_sequence).toBe(0);
    await waitFor(() => receiver.on(hook.path).length >= 4, 10_000);
    expect(receiver.on(hook.path).map((got) => got.id)).toEqual([...first, ...first]);
    const past = await t.request('POST', `/v1/webhooks/${hook.id}/redeliver`, {
      key,
      body: { after: 9 },
    });
    expect([past.status, past.body.error.details.fields[0].field]).toEqual([400, 'after']);
  });

  it('does not follow redirects, stops reading large answers, and gives up on slow receivers', async () => {
    const { key } = await orgWithKey(t);
    const odd = new WebhookReceiver();
    await odd.up();
    const target = new WebhookReceiver();
    await target.up();
    try {
      const path = `/odd-${unique()}`;
      const created = await t.request('POST', '/v1/webhooks', {
        key,
        body: { url: odd.url(path) },
      });
      odd.secretFor(path, created.body.secret);
      const id = created.body.id;
      const lastAttempt = async () =>
        (await t.request('GET', `/v1/webhooks/${id}/deliveries?limit=1`, { key })).body
          .deliveries[0];

      odd.behaviour = { kind: 'redirect', location: target.url('/stolen') };
      await createServer(t, key);
      await waitFor(async () => (await lastAttempt())?.http_status === 307, 10_000);
      expect(await lastAttempt()).toMatchObject({
        outcome: 'failed',
        error: 'redirect not followed (HTTP 307)',
      });
      expect(target.received).toEqual([]);

      odd.behaviour = { kind: 'slow', ms: 5_000 };
      await waitFor(async () => (await lastAttempt())?.error === 'timed out after 1000 ms', 10_000);

      odd.behaviour = { kind: 'huge', bytes: 200 * 1024 * 1024 };
      await waitFor(async () => (await lastAttempt())?.outcome === 'delivered', 10_000);
      expect((await lastAttempt()).duration_ms).toBeLessThan(1000);
    } finally {
      await odd.down();
      await target.down();
    }
  });
});

describe('webhooks without MCP_ALLOW_LOOPBACK', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ MCP_ALLOW_LOOPBACK: 'false', WEBHOOK_WORKER_ENABLED: 'false' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses loopback receivers, over http or https', async () => {
    const { key } = await orgWithKey(t);
    for (const url of [
      'http://127.0.0.1:8080/x',
      'https://127.0.0.1/x',
      'https://[::1]/x',
      'http://localhost/x',
    ]) {
      const res = await t.request('POST', '/v1/webhooks', { key, body: { url } });
      expect([url, res.status, res.body.error.details.fields[0].field]).toEqual([url, 400, 'url']);
    }
  });
});
