import { createServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { testTls } from '../../../../test/support/mcp-servers';
import { RunningOAuthServer, startOAuthServer } from '../../../../test/support/oauth-server';
import { ProbeFailure } from '../probe-failure.error';
import { ProbePolicy } from '../probe.types';
import { MAX_TOKEN_RESPONSE_BYTES, OAuthTokenClient } from './token-client';

const tls = testTls();
const policy: ProbePolicy = {
  timeoutMs: 2_000,
  allowLoopback: true,
  denyPrivateNetworks: false,
  stdioEnabled: false,
  stdioAllowlist: [],
  caFile: tls.caFile,
};

async function failureOf(promise: Promise<unknown>): Promise<ProbeFailure> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProbeFailure);
  return error as ProbeFailure;
}

describe('OAuthTokenClient against a real authorization server', () => {
  let as: RunningOAuthServer;
  const client = new OAuthTokenClient(policy);

  beforeAll(async () => {
    as = await startOAuthServer({ tls: { key: tls.key, cert: tls.cert }, accessTokenTtlS: 120 });
    as.addClient('confidential', 's3cret:with/odd+chars');
    as.addClient('public');
  });
  afterAll(() => as.close());

  it('refreshes with a rotating refresh token; the old one is refused afterwards', async () => {
    const refreshToken = as.issueRefreshToken('confidential');
    const issued = await client.requestToken({
      tokenUrl: as.tokenUrl,
      grant: { type: 'refresh_token', refreshToken },
      clientId: 'confidential',
      clientSecret: 's3cret:with/odd+chars',
    });
    expect(as.isValid(issued.accessToken)).toBe(true);
    expect(issued.expiresInS).toBe(120);
    expect(issued.refreshToken).toMatch(/^rt_/);
    expect(issued.refreshToken).not.toBe(refreshToken);
    expect(as.calls.at(-1)).toMatchObject({ clientAuth: 'basic', clientId: 'confidential' });

    const again = await failureOf(
      client.requestToken({
        tokenUrl: as.tokenUrl,
        grant: { type: 'refresh_token', refreshToken },
        clientId: 'confidential',
        clientSecret: 's3cret:with/odd+chars',
      }),
    );
    expect(again.kind).toBe('auth_failed');
    expect(again.message).toBe('the token endpoint refused the grant: invalid_grant (HTTP 400)');
  });

  it('names a public client in the body and sends client_secret_post in the body', async () => {
    const publicToken = as.issueRefreshToken('public');
    await client.requestToken({
      tokenUrl: as.tokenUrl,
      grant: { type: 'refresh_token', refreshToken: publicToken },
      clientId: 'public',
    });
    expect(as.calls.at(-1)).toMatchObject({ clientAuth: 'none', clientId: 'public' });

    await client.requestToken({
      tokenUrl: as.tokenUrl,
      grant: { type: 'client_credentials' },
      clientId: 'confidential',
      clientSecret: 's3cret:with/odd+chars',
      authMethod: 'client_secret_post',
      scopes: ['mcp:read', 'mcp:tools'],
      audience: 'https://mcp.example.test',
      resource: 'https://mcp.example.test/mcp',
    });
    expect(as.calls.at(-1)).toMatchObject({
      clientAuth: 'post',
      params: {
        grant_type: 'client_credentials',
        scope: 'mcp:read mcp:tools',
        audience: 'https://mcp.example.test',
        resource: 'https://mcp.example.test/mcp',
      },
    });
  });

  it('reports a wrong client secret as a refused grant, without any secret in the message', async () => {
    const failure = await failureOf(
      client.requestToken({
        tokenUrl: as.tokenUrl,
        grant: { type: 'client_credentials' },
        clientId: 'confidential',
        clientSecret: 'wrong-secret-value',
      }),
    );
    expect(failure.kind).toBe('auth_failed');
    expect(failure.message).toBe('the token endpoint refused the grant: invalid_client (HTTP 401)');
  });

  it('applies the target policy to the token endpoint before connecting', async () => {
    const strict = new OAuthTokenClient({ ...policy, allowLoopback: false });
    const before = as.calls.length;
    const failure = await failureOf(
      strict.requestToken({ tokenUrl: as.tokenUrl, grant: { type: 'client_credentials' } }),
    );
    expect(failure.kind).toBe('target_refused');
    expect(failure.message).toMatch(/^token endpoint: target refused: .*loopback/);
    // An IPv4-mapped IPv6 form is judged by the address it carries.
    const mapped = await failureOf(
      strict.requestToken({
        tokenUrl: 'https://[::ffff:169.254.169.254]/token',
        grant: { type: 'client_credentials' },
      }),
    );
    expect(mapped.kind).toBe('target_refused');
    expect(as.calls.length).toBe(before);
  });

  it('refuses a plain-http token endpoint and does not trust an unknown CA without MCP_CA_FILE', async () => {
    const plain = await failureOf(
      client.requestToken({
        tokenUrl: as.tokenUrl.replace('https:', 'http:'),
        grant: { type: 'client_credentials' },
      }),
    );
    expect(plain).toMatchObject({ kind: 'target_refused' });
    const untrusting = new OAuthTokenClient({ ...policy, caFile: undefined });
    const failure = await failureOf(
      untrusting.requestToken({ tokenUrl: as.tokenUrl, grant: { type: 'client_credentials' } }),
    );
    expect(failure.kind).toBe('unreachable');
    expect(failure.message).toMatch(/^the token endpoint could not be reached: TLS/);
  });
});

describe('OAuthTokenClient against hostile token endpoints', () => {
  const servers: { close(): void }[] = [];
  afterAll(() => servers.forEach((server) => server.close()));

  async function endpoint(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer({ key: tls.key, cert: tls.cert }, handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    });
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  }

  it('stops reading an oversized answer', async () => {
    const tokenUrl = await endpoint((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"access_token":"${'a'.repeat(MAX_TOKEN_RESPONSE_BYTES)}`);
      // Never ends: only the byte limit can stop this read.
    });
    const started = Date.now();
    const failure = await failureOf(
      new OAuthTokenClient(policy).requestToken({
        tokenUrl,
        grant: { type: 'client_credentials' },
      }),
    );
    expect(failure.kind).toBe('auth_failed');
    expect(failure.message).toContain(`more than ${MAX_TOKEN_RESPONSE_BYTES} bytes`);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('gives up on a silent endpoint within its timeout', async () => {
    const tokenUrl = await endpoint(() => undefined);
    const started = Date.now();
    const failure = await failureOf(
      new OAuthTokenClient(policy, { timeoutMs: 300 }).requestToken({
        tokenUrl,
        grant: { type: 'client_credentials' },
      }),
    );
    expect(failure).toMatchObject({
      kind: 'timeout',
      message: 'the token endpoint did not answer within 300 ms',
    });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('quotes no free text of the server and refuses non-bearer tokens and redirects', async () => {
    const secretEcho = 'echoed-refresh-token-value';
    const refused = await endpoint((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `bad ${secretEcho}`, error_description: secretEcho }));
    });
    const failure = await failureOf(
      new OAuthTokenClient(policy).requestToken({
        tokenUrl: refused,
        grant: { type: 'refresh_token', refreshToken: secretEcho },
      }),
    );
    expect(failure.message).toBe('the token endpoint refused the grant (HTTP 400)');

    const mac = await endpoint((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'x', token_type: 'mac' }));
    });
    await expect(
      new OAuthTokenClient(policy).requestToken({
        tokenUrl: mac,
        grant: { type: 'client_credentials' },
      }),
    ).rejects.toMatchObject({
      kind: 'auth_failed',
      message: expect.stringMatching(/not a bearer/),
    });

    const redirect = await endpoint((_req, res) => {
      res.writeHead(307, { location: 'https://169.254.169.254/token' });
      res.end();
    });
    await expect(
      new OAuthTokenClient(policy).requestToken({
        tokenUrl: redirect,
        grant: { type: 'client_credentials' },
      }),
    ).rejects.toMatchObject({ kind: 'auth_failed', message: expect.stringMatching(/redirect/) });
  });
});
