import { createConfiguration, createServer, orgWithKey } from '../../support/factories';
import { startTestApp, TestApp } from '../../support/test-app';

jest.setTimeout(60_000);

/**
 * A hostile org_admin registers servers whose URL is an IPv6 form carrying a refused IPv4 address
 * (loopback, metadata, private): each must be refused by the probe before anything is dialled.
 */
const FORMS: [form: string, host: string, embedded: string][] = [
  ['IPv4-mapped', '::ffff:127.0.0.1', '127.0.0.1'],
  ['IPv4-mapped (hex)', '::ffff:a9fe:a9fe', '169.254.169.254'],
  ['IPv4-compatible', '::7f00:1', '127.0.0.1'],
  ['SIIT', '::ffff:0:7f00:1', '127.0.0.1'],
  ['SIIT metadata', '::ffff:0:a9fe:a9fe', '169.254.169.254'],
  ['NAT64 well-known', '64:ff9b::7f00:1', '127.0.0.1'],
  ['NAT64 well-known metadata', '64:ff9b::a9fe:a9fe', '169.254.169.254'],
  ['NAT64 local-use', '64:ff9b:1::a00:1', '10.0.0.1'],
  ['6to4 loopback', '2002:7f00:1::1', '127.0.0.1'],
  ['6to4 metadata', '2002:a9fe:a9fe::1', '169.254.169.254'],
  ['6to4 private', '2002:c0a8:101::1', '192.168.1.1'],
  ['Teredo client loopback', '2001:0:4136:e378:8000:63bf:80ff:fffe', '127.0.0.1'],
  ['Teredo client metadata', '2001:0:4136:e378:8000:63bf:5601:5601', '169.254.169.254'],
  ['Teredo server loopback', '2001:0:7f00:1:8000:63bf:f7f7:f7f7', '127.0.0.1'],
];

describe('attack: probe targets written as IPv6 forms that embed a refused IPv4 address', () => {
  let t: TestApp;
  let admin: string;
  let organizationId: string;

  beforeAll(async () => {
    t = await startTestApp({
      MCP_ALLOW_LOOPBACK: 'false',
      MCP_DENY_PRIVATE_NETWORKS: 'true',
      HEALTH_CHECK_TIMEOUT_MS: '3000',
      HEALTH_WORKER_ENABLED: 'false',
    });
    ({ organizationId, key: admin } = await orgWithKey(t));
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(FORMS)('refuses %s [%s] on a registry probe', async (_form, host, embedded) => {
    const created = await createServer(t, admin, {
      transport: 'streamable_http',
      url: `http://[${host}]:8080/mcp`,
    });
    const started = performance.now();
    const res = await t.request('POST', `/v1/mcp/server/${created.server_id}/health`, {
      key: admin,
    });
    // Refused before dialling: well within the timeout, and never a network error.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(res.body.status).toBe('unhealthy');
    expect(res.body.health_check_error).toMatch(/^target refused: /);
    expect(res.body.health_check_error).toContain(`embeds an IPv4 address: ${embedded} is a`);
  });

  it.each(FORMS)('refuses %s [%s] on a configuration test', async (_form, host, embedded) => {
    const created = await createConfiguration(t, admin, organizationId, {
      server_url: `https://[${host}]/mcp`,
      auth_type: 'none',
      credentials: undefined,
    });
    const res = await t.request('POST', `/v1/mcp-configurations/${created.id}/test`, {
      key: admin,
    });
    expect(res.body.connectionStatus).toBe('error');
    expect(res.body.errorMessage).toMatch(/^target refused: /);
    expect(res.body.errorMessage).toContain(`embeds an IPv4 address: ${embedded} is a`);
  });
});
