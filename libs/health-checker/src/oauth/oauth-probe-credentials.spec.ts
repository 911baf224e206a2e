import type { ProbeResult } from '@app/mcp-probe';
import { ProbeFailure } from '@app/mcp-probe';
import { OAuthProbeCredentials, OAuthSnapshot, Renew } from './oauth-probe-credentials';

const NOW = new Date('2026-01-01T00:00:00.000Z');
const snapshot = (credentials: Record<string, unknown>, sealed = 's1'): OAuthSnapshot => ({
  sealed,
  credentials: { type: 'oauth', ...credentials },
});
const renewable = {
  refresh_token: 'rt-old',
  token_url: 'https://auth.example.com/token',
  client_secret: 'client-secret-value',
};

function failedResult(kind: ProbeResult['error_kind'], error: string): ProbeResult {
  return {
    ok: false,
    status: 'unhealthy',
    latency_ms: null,
    server_info: null,
    tools: [],
    error,
    error_kind: kind,
    protocol_version: null,
    protocol_era: null,
    transport_deprecated: false,
    tools_listed: false,
    tools_ttl_ms: null,
    tool_definitions: [],
    tools_fingerprint: null,
    tools_digest: null,
  };
}

describe('OAuthProbeCredentials', () => {
  it('sends a live token as it is, renewing nothing', async () => {
    const renew = jest.fn<ReturnType<Renew>, Parameters<Renew>>();
    const source = new OAuthProbeCredentials(
      snapshot({ access_token: 'at-1', expires_at: '2026-01-01T01:00:00Z', ...renewable }),
      renew,
      () => NOW,
    );
    expect(await source.headers()).toEqual({ Authorization: 'Bearer at-1' });
    expect(renew).not.toHaveBeenCalled();
  });

  it('renews a token within 30 s of its expiry (Unix seconds too) before the first request', async () => {
    const renew: Renew = async () => ({
      snapshot: snapshot({ access_token: 'at-2', ...renewable }, 's2'),
      refreshed: true,
    });
    const source = new OAuthProbeCredentials(
      snapshot({ access_token: 'at-1', expires_at: NOW.getTime() / 1000 + 20, ...renewable }),
      renew,
      () => NOW,
    );
    expect(await source.headers()).toEqual({ Authorization: 'Bearer at-2' });
  });

  it('refreshes once on a 401, and retries with a newer token without refreshing', async () => {
    const renew = jest.fn<ReturnType<Renew>, Parameters<Renew>>(async () => ({
      snapshot: snapshot({ access_token: 'at-2', ...renewable }, 's2'),
      refreshed: true,
    }));
    const source = new OAuthProbeCredentials(
      snapshot({ access_token: 'at-1', ...renewable }),
      renew,
      () => NOW,
    );
    expect(await source.refresh({ Authorization: 'Bearer at-1' })).toEqual({
      Authorization: 'Bearer at-2',
    });
    expect(renew).toHaveBeenCalledWith(expect.objectContaining({ sealed: 's1' }), 'at-1');
    // A request still in flight with the old token: the new one, no second refresh.
    expect(await source.refresh({ Authorization: 'Bearer at-1' })).toEqual({
      Authorization: 'Bearer at-2',
    });
    // The new token refused too: the 401 stands, and says so.
    expect(await source.refresh({ Authorization: 'Bearer at-2' })).toBeNull();
    expect(renew).toHaveBeenCalledTimes(1);
    expect(
      source.verdictOf(
        failedResult('credentials_rejected', 'credentials were rejected by the server (HTTP 401)'),
      ),
    ).toMatchObject({
      error_kind: 'auth_failed',
      error: 'credentials were rejected by the server (HTTP 401) after an OAuth token refresh',
    });
  });

  it('is auth_expired when nothing can renew an expired token, without asking anyone', async () => {
    const renew = jest.fn<ReturnType<Renew>, Parameters<Renew>>();
    const source = new OAuthProbeCredentials(
      snapshot({ access_token: 'at-1', expires_at: '2025-12-31T00:00:00Z' }),
      renew,
      () => NOW,
    );
    await expect(source.headers()).rejects.toMatchObject({
      kind: 'auth_expired',
      message:
        'the OAuth access token expired at 2025-12-31T00:00:00.000Z and no token_url is stored to renew it at',
    });
    expect(renew).not.toHaveBeenCalled();
    // A 401 without a way to refresh stays what the server said.
    expect(await source.refresh({ Authorization: 'Bearer at-1' })).toBeNull();
  });

  it('names a refused grant auth_failed and redacts every stored secret from the verdict', async () => {
    const renew: Renew = async () => {
      throw new ProbeFailure('auth_failed', 'the token endpoint refused the grant: invalid_grant');
    };
    const source = new OAuthProbeCredentials(
      snapshot({ access_token: 'at-1', expires_at: '2025-12-31T00:00:00Z', ...renewable }),
      renew,
      () => NOW,
    );
    await expect(source.headers()).rejects.toBeInstanceOf(ProbeFailure);
    // Whatever the transport made of the thrown failure, the verdict is the grant's.
    const verdict = source.verdictOf(
      failedResult('protocol_error', 'MCP exchange failed: rt-old client-secret-value'),
    );
    expect(verdict).toMatchObject({
      status: 'unhealthy',
      error_kind: 'auth_failed',
      error: 'OAuth token refresh failed: the token endpoint refused the grant: invalid_grant',
    });
    const other = new OAuthProbeCredentials(
      snapshot({ access_token: 'at-1', ...renewable }),
      renew,
    );
    expect(
      other.verdictOf(failedResult('protocol_error', 'echo: rt-old and client-secret-value')).error,
    ).toBe('echo: [redacted] and [redacted]');
  });
});
