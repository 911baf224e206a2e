import { OneOrganization } from '@app/core';
import { UnitOfWork } from '@app/dal';
import { EventOutbox } from '@app/events';
import {
  createConfiguration,
  createKey,
  createOrg,
  createServer,
  orgWithKey,
  unique,
} from '../support/factories';
import { RunningMcpServer, startMcpServer, testTls } from '../support/mcp-servers';
import { startMutableMcpServer } from '../support/mutable-mcp-server';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

jest.setTimeout(60_000);

interface FeedEvent {
  id: string;
  sequence: number;
  type: string;
  organization_id: string;
  resource_id: string;
  occurred_at: string;
  data: any;
}

/** The change feed: what each change writes, in order, scoped, filtered, long-polled. */
describe('change feed (GET /v1/events)', () => {
  const tls = testTls();
  let t: TestApp;
  let mcp: RunningMcpServer;

  beforeAll(async () => {
    t = await startTestApp({
      MCP_CA_FILE: tls.caFile,
      HEALTH_CHECK_TIMEOUT_MS: '2000',
      WEBHOOK_WORKER_ENABLED: 'false',
    });
    mcp = await startMcpServer({
      transport: 'streamable_http',
      tls: { key: tls.key, cert: tls.cert },
    });
  });
  afterAll(async () => {
    await t.close();
    await mcp.close();
  });

  async function feed(key: string, query = ''): Promise<FeedEvent[]> {
    const res = await t.request('GET', `/v1/events${query ? `?${query}` : ''}`, { key });
    expect(res.status).toBe(200);
    return res.body.events;
  }

  /**
   * The feed once it holds `count` events: an event is numbered right after its change commits,
   * so a read at once after the write's answer may still miss it by a few milliseconds.
   */
  async function settled(key: string, count: number, query = ''): Promise<FeedEvent[]> {
    let events: FeedEvent[] = [];
    await waitFor(async () => (events = await feed(key, query)).length >= count, 5_000, {
      what: `${count} events in the feed`,
    });
    return events;
  }

  it('writes one event per change, numbered 1, 2, 3… in order, with the data an org_admin reads (secrets masked)', async () => {
    const { organizationId, key } = await orgWithKey(t);
    const server = await createServer(t, key, {
      server_id: `feed-${unique()}`,
      auth_type: 'bearer_token',
      credentials: { token: 'tok-secret-12345' },
      env: { REGION: 'eu-secret-value' },
    });
    const put = await t.request('PUT', '/v1/mcp/server', {
      key,
      body: {
        server_id: server.server_id,
        server_name: server.server_name,
        transport: 'sse',
        url: server.url,
        description: 'changed',
        auth_type: 'bearer_token',
        credentials: { token: '****' },
        env: { REGION: '****' },
      },
    });
    expect(put.status).toBe(202);
    const config = await createConfiguration(t, key, organizationId);
    expect(
      (
        await t.request('PATCH', `/v1/mcp-configurations/${config.id}`, {
          key,
          body: { name: `Renamed ${unique()}` },
        })
      ).status,
    ).toBe(200);
    expect((await t.request('DELETE', `/v1/mcp-configurations/${config.id}`, { key })).status).toBe(
      204,
    );
    const team = await t.request('POST', '/v1/teams', {
      key,
      body: { name: `T ${unique()}`, access_groups: ['a'] },
    });
    expect(
      (
        await t.request('PUT', `/v1/teams/${team.body.team_id}`, {
          key,
          body: { name: 'Renamed', access_groups: ['b'] },
        })
      ).status,
    ).toBe(200);
    expect((await t.request('DELETE', `/v1/teams/${team.body.team_id}`, { key })).status).toBe(204);
    const member = await createKey(t, { organizationId, role: 'member' });
    expect((await t.request('DELETE', `/v1/api-keys/${member.key_id}`, { key })).status).toBe(204);
    expect((await t.request('DELETE', `/v1/mcp/server/${server.server_id}`, { key })).status).toBe(
      202,
    );

    const events = await settled(key, 10);
    expect(events.map((event) => [event.sequence, event.type])).toEqual([
      [1, 'mcp_server.created'],
      [2, 'mcp_server.updated'],
      [3, 'mcp_configuration.created'],
      [4, 'mcp_configuration.updated'],
      [5, 'mcp_configuration.deleted'],
      [6, 'team.changed'],
      [7, 'team.changed'],
      [8, 'team.changed'],
      [9, 'api_key.revoked'],
      [10, 'mcp_server.deleted'],
    ]);
    for (const event of events) {
      expect(event).toEqual({
        id: expect.stringMatching(/^ev_[0-9a-f]{32}$/),
        sequence: expect.any(Number),
        type: expect.any(String),
        organization_id: organizationId,
        resource_id: expect.any(String),
        occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        data: expect.any(Object),
      });
    }
    const text = JSON.stringify(events);
    expect(text).not.toContain('tok-secret-12345');
    expect(text).not.toContain('eu-secret-value');
    // The data is the resource as GET shows it to an org_admin.
    expect(events[0].data).toEqual(server);
    expect(events[1].data).toEqual(put.body);
    expect(events[1].data.env).toEqual({ REGION: '****' });
    expect(events[2].data).toEqual(config);
    expect(events[5].data).toMatchObject({ team_id: team.body.team_id, change: 'created' });
    expect(events[6].data).toMatchObject({
      name: 'Renamed',
      access_groups: ['b'],
      change: 'updated',
    });
    expect(events[7].data).toMatchObject({ team_id: team.body.team_id, change: 'deleted' });
    expect(events[8].data).toMatchObject({ key_id: member.key_id, revoked_at: expect.any(String) });
    expect(events[8].data.key).toBeUndefined();
    expect(events[9]).toMatchObject({
      resource_id: server.server_id,
      data: { description: 'changed' },
    });
  });

  it('shows each organization only its own events, and platform admins one named organization', async () => {
    const a = await orgWithKey(t);
    const b = await orgWithKey(t);
    await createServer(t, a.key);
    await createServer(t, b.key);
    await createServer(t, b.key);
    expect((await settled(a.key, 1)).map((event) => event.organization_id)).toEqual([
      a.organizationId,
    ]);
    expect((await settled(b.key, 2)).map((event) => event.sequence)).toEqual([1, 2]);
    const service = await createKey(t, { organizationId: b.organizationId, role: 'service' });
    expect(await feed(service.key)).toHaveLength(2);

    const named = await t.request('GET', `/v1/events?organization_id=${a.organizationId}`, {
      key: b.key,
    });
    expect(named.status).toBe(404);
    const admin = await t.request('GET', `/v1/events?organization_id=${b.organizationId}`);
    expect(admin.body.events).toHaveLength(2);
    const unnamed = await t.request('GET', '/v1/events');
    expect([unnamed.status, unnamed.body.error.details.fields[0].field]).toEqual([
      400,
      'organization_id',
    ]);
    const member = await createKey(t, { organizationId: b.organizationId, role: 'member' });
    expect((await t.request('GET', '/v1/events', { key: member.key })).status).toBe(403);
  });

  it('pages with after/limit, filters by types, and lets a filtered reader skip ahead', async () => {
    const { key } = await orgWithKey(t);
    for (let i = 0; i < 5; i++) await createServer(t, key);
    await t.request('POST', '/v1/teams', {
      key,
      body: { name: `T ${unique()}`, access_groups: [] },
    });
    await settled(key, 6);

    const first = await t.request('GET', '/v1/events?limit=2', { key });
    expect(first.body).toMatchObject({ next_after: 2, has_more: true });
    expect(first.body.events.map((event: FeedEvent) => event.sequence)).toEqual([1, 2]);
    const rest = await t.request('GET', '/v1/events?after=2&limit=100', { key });
    expect(rest.body.events.map((event: FeedEvent) => event.sequence)).toEqual([3, 4, 5, 6]);
    expect(rest.body).toMatchObject({ next_after: 6, has_more: false });

    const teams = await t.request('GET', '/v1/events?types=team.*', { key });
    expect(teams.body.events.map((event: FeedEvent) => [event.sequence, event.type])).toEqual([
      [6, 'team.changed'],
    ]);
    const none = await t.request('GET', '/v1/events?types=api_key.revoked', { key });
    expect(none.body).toEqual({ events: [], next_after: 6, has_more: false });

    const bad = await t.request('GET', '/v1/events?types=server.created', { key });
    expect([bad.status, bad.body.error.details.fields[0].field]).toEqual([400, 'types']);
    const future = await t.request('GET', '/v1/events?after=99', { key });
    expect([future.status, future.body.error.details.fields[0].field]).toEqual([400, 'after']);
    for (const query of ['after=-1', 'limit=0', 'limit=501', 'wait=61', 'after=abc']) {
      expect((await t.request('GET', `/v1/events?${query}`, { key })).status).toBe(400);
    }
  });

  it('answers a long poll within 100 ms of a change, and an idle one when its wait is over', async () => {
    const { key } = await orgWithKey(t);
    await createServer(t, key);
    await settled(key, 1);
    const idleStarted = Date.now();
    const idle = await t.request('GET', '/v1/events?after=1&wait=1', { key });
    expect(idle.body).toEqual({ events: [], next_after: 1, has_more: false });
    expect(Date.now() - idleStarted).toBeGreaterThanOrEqual(950);

    for (let round = 0; round < 3; round++) {
      const after = 1 + round;
      const polled = t.request('GET', `/v1/events?after=${after}&wait=20`, { key });
      let answeredAt = 0;
      void polled.then(() => (answeredAt = Date.now()));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(answeredAt).toBe(0);
      await createServer(t, key);
      const committedBy = Date.now();
      const res = await polled;
      expect(res.body.events.map((event: FeedEvent) => event.sequence)).toEqual([after + 1]);
      expect(answeredAt - committedBy).toBeLessThan(100);
    }
  });

  it('answers 410 with the oldest available sequence once events are past retention', async () => {
    const { organizationId, key } = await orgWithKey(t);
    for (let i = 0; i < 4; i++) await createServer(t, key);
    await settled(key, 4);
    await t.dataSource.query(
      "UPDATE events SET occurred_at = '2000-01-01 00:00:00.000' WHERE organization_id = ? AND sequence <= 2",
      [organizationId],
    );
    const { EventRetention } = await import('@app/events');
    await t.app.get(EventRetention).prune();

    const gone = await t.request('GET', '/v1/events?after=0', { key });
    expect(gone.status).toBe(410);
    expect(gone.body.error).toMatchObject({
      code: 'EVENTS_PRUNED',
      type: 'gone_error',
      details: { oldest_sequence: 3, last_sequence: 4, resume_after: 2 },
    });
    const resumed = await t.request('GET', '/v1/events?after=2', { key });
    expect(resumed.body.events.map((event: FeedEvent) => event.sequence)).toEqual([3, 4]);
    // Caught up past the pruned ones: nothing is gone for a reader that was there.
    expect((await t.request('GET', '/v1/events?after=4', { key })).status).toBe(200);
  });

  it('writes an event only when its change commits: a rolled-back write leaves no event and no gap', async () => {
    const { organizationId, key } = await orgWithKey(t);
    await createServer(t, key);
    const scope = { kind: 'one', organizationId } as OneOrganization;
    const outbox = t.app.get(EventOutbox);
    await expect(
      t.app.get(UnitOfWork).run(async (tx) => {
        await outbox.append(tx, scope, {
          type: 'team.changed',
          resourceId: 'team_rolled_back',
          data: { change: 'created' },
        });
        throw new Error('the change failed after its event was appended');
      }),
    ).rejects.toThrow('the change failed');
    // A write refused by the database (duplicate server_id) leaves nothing either.
    const taken = await createServer(t, key);
    const duplicate = await t.request('POST', '/v1/mcp/server', {
      key,
      body: {
        server_id: taken.server_id,
        server_name: `Other ${unique()}`,
        transport: 'sse',
        url: 'https://x.example.com',
      },
    });
    expect(duplicate.status).toBe(409);
    await createServer(t, key);

    const events = await settled(key, 3);
    expect(events.map((event) => event.sequence)).toEqual([1, 2, 3]);
    expect(JSON.stringify(events)).not.toContain('team_rolled_back');
  });

  it('never shows a reader a later sequence before an earlier one while writers of one organization commit concurrently', async () => {
    const { key } = await orgWithKey(t);
    const writers = 40;
    const seen: number[] = [];
    let done = false;
    const reader = (async () => {
      let after = 0;
      while (!done || after < writers) {
        const res = await t.request('GET', `/v1/events?after=${after}&wait=1`, { key });
        for (const event of res.body.events as FeedEvent[]) seen.push(event.sequence);
        after = res.body.next_after;
      }
    })();
    await Promise.all(Array.from({ length: writers }, () => createServer(t, key)));
    done = true;
    await reader;
    expect(seen).toEqual(Array.from({ length: writers }, (_, index) => index + 1));
  });

  it('writes mcp_server.health_changed on status transitions only, and connection_changed for configurations', async () => {
    const { key, organizationId } = await orgWithKey(t);
    const server = await createServer(t, key, { transport: 'streamable_http', url: mcp.url });
    const probe = () => t.request('POST', `/v1/mcp/server/${server.server_id}/health`, { key });
    expect((await probe()).body.status).toBe('healthy');
    expect((await probe()).body.status).toBe('healthy');
    const moved = await t.request('PUT', '/v1/mcp/server', {
      key,
      body: {
        server_id: server.server_id,
        server_name: server.server_name,
        transport: 'streamable_http',
        url: 'https://127.0.0.1:9/mcp',
      },
    });
    expect(moved.status).toBe(202);
    expect((await probe()).body.status).toBe('unhealthy');

    const health = await settled(key, 2, 'types=mcp_server.health_changed');
    expect(health.map((event) => [event.data.previous_status, event.data.status])).toEqual([
      ['unknown', 'healthy'],
      ['healthy', 'unhealthy'],
    ]);
    expect(health[1].data).toMatchObject({
      server_id: server.server_id,
      organization_id: organizationId,
      health_check_error_kind: expect.any(String),
      consecutive_failures: 1,
    });

    const config = await createConfiguration(t, key, organizationId, {
      server_url: mcp.url,
      auth_type: 'none',
      credentials: undefined,
    });
    const test = () => t.request('POST', `/v1/mcp-configurations/${config.id}/test`, { key });
    expect((await test()).body.connectionStatus).toBe('connected');
    expect((await test()).body.connectionStatus).toBe('connected');
    const changed = await settled(key, 1, 'types=mcp_configuration.connection_changed');
    expect(changed.map((event) => event.data.connectionStatus)).toEqual(['connected']);
  });

  it('writes mcp_server.tools_drifted when a probe finds tools that differ from the baseline', async () => {
    const tools = startMutableMcpServer([
      { name: 'search', description: 'Search', inputSchema: { type: 'object' } },
    ]);
    const mutable = await tools;
    try {
      const { key, organizationId } = await orgWithKey(t);
      const server = await createServer(t, key, { transport: 'streamable_http', url: mutable.url });
      const probe = () => t.request('POST', `/v1/mcp/server/${server.server_id}/health`, { key });
      expect((await probe()).status).toBe(200);
      mutable.setTools([
        { name: 'search', description: 'Search', inputSchema: { type: 'object' } },
        { name: 'send_mail', description: 'Send', inputSchema: { type: 'object' } },
      ]);
      expect((await probe()).status).toBe(200);
      const [drifted] = await settled(key, 1, 'types=mcp_server.tools_drifted');
      expect(drifted).toMatchObject({
        resource_id: server.server_id,
        data: {
          server_id: server.server_id,
          organization_id: organizationId,
          added: ['send_mail'],
          removed: [],
          tools_drift: expect.any(Array),
        },
      });
    } finally {
      await mutable.close();
    }
  });

  it('is listed by organizations created before the feed existed too (no counter row yet)', async () => {
    const org = await createOrg(t);
    await t.dataSource.query('DELETE FROM event_sequences WHERE organization_id = ?', [
      org.organization_id,
    ]);
    const key = (await createKey(t, { organizationId: org.organization_id, role: 'org_admin' }))
      .key;
    expect(await feed(key)).toEqual([]);
    await createServer(t, key);
    expect((await settled(key, 1)).map((event) => event.sequence)).toEqual([1]);
  });
});

describe('change feed long polls at shutdown', () => {
  it('answers a waiting long poll at once when the app stops, instead of holding the drain', async () => {
    const t = await startTestApp({ WEBHOOK_WORKER_ENABLED: 'false' });
    const { key } = await orgWithKey(t);
    const polled = t.request('GET', '/v1/events?wait=30', { key });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopping = Date.now();
    await t.close();
    const res = await polled;
    expect(Date.now() - stopping).toBeLessThan(3_000);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ events: [], next_after: 0, has_more: false });
  });
});
