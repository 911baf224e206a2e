import { orgWithKey, serverBody, unique } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(180_000);

const CHANGES = 1_000;
const ORGANIZATIONS = 3;
/** Writers per organization at once: commits of one organization race for their sequence. */
const WRITERS = 8;

describe('webhook order at volume', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = new WebhookReceiver();
    await receiver.up();
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '0', EVENTS_POLL_MS: '200' });
  });
  afterAll(async () => {
    await t.close();
    await receiver.down();
  });

  it('delivers 1,000 changes across 3 organizations in order, validly signed, none to another organization', async () => {
    const orgs = [];
    for (let i = 0; i < ORGANIZATIONS; i++) {
      const { organizationId, key } = await orgWithKey(t);
      const path = `/org-${i}-${unique()}`;
      const created = await t.request('POST', '/v1/webhooks', {
        key,
        body: { url: receiver.url(path) },
      });
      expect(created.status).toBe(201);
      receiver.secretFor(path, created.body.secret);
      orgs.push({ organizationId, key, path, changes: 0 });
    }
    // Each organization's share of the changes, written by WRITERS concurrent clients.
    await Promise.all(
      orgs.map(async (org, index) => {
        const share =
          Math.floor(CHANGES / ORGANIZATIONS) + (index < CHANGES % ORGANIZATIONS ? 1 : 0);
        let next = 0;
        await Promise.all(
          Array.from({ length: WRITERS }, async () => {
            while (next < share) {
              next += 1;
              const res = await t.request('POST', '/v1/mcp/server', {
                key: org.key,
                body: serverBody(),
              });
              expect(res.status).toBe(201);
              org.changes += 1;
            }
          }),
        );
      }),
    );
    expect(orgs.reduce((sum, org) => sum + org.changes, 0)).toBe(CHANGES);
    await waitFor(() => receiver.received.length >= CHANGES, 120_000, {
      what: `${CHANGES} deliveries`,
      pollMs: 100,
    });

    expect(receiver.received).toHaveLength(CHANGES);
    expect(receiver.received.every((hook) => hook.signatureValid)).toBe(true);
    for (const org of orgs) {
      const got = receiver.on(org.path);
      expect(got.map((hook) => hook.body.sequence)).toEqual(
        Array.from({ length: org.changes }, (_, index) => index + 1),
      );
      expect(new Set(got.map((hook) => hook.body.organization_id))).toEqual(
        new Set([org.organizationId]),
      );
      expect(got.map((hook) => hook.id)).toEqual(got.map((hook) => hook.body.id));
    }
  });
});
