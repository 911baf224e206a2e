import { ProbeFailure, SecretRedactor } from '@app/mcp-probe';
import type { ProbeCredentials, ProbeResult } from '@app/mcp-probe';
import {
  accessTokenOf,
  expiresAtOf,
  grantTypeOf,
  needsNewToken,
  renewalProblem,
  secretsOf,
  StoredOAuth,
} from './stored-oauth';

/** One stored state of a row's credentials: the ciphertext and what it opens to. */
export interface OAuthSnapshot {
  sealed: string;
  credentials: StoredOAuth;
}

/**
 * Renews the token of one row (across replicas, see OAuthCredentialsRefresher): resolves with the
 * snapshot to use, fresh or adopted from another refresher; rejects with a ProbeFailure.
 * `rejectedToken` is the token the server refused (null: renewing an expired one).
 */
export type Renew = (
  from: OAuthSnapshot,
  rejectedToken: string | null,
) => Promise<{ snapshot: OAuthSnapshot; refreshed: boolean }>;

/**
 * The credential source of one probe of an `auth_type: oauth` server: the stored access token as
 * a bearer header, renewed before the first request when it is expired (or, for the
 * client_credentials grant, missing), and once more when the server answers 401. After the
 * probe, `verdictOf` tells OAuth failures apart: `auth_expired` (expired, nothing to renew with),
 * `auth_failed` (a refused grant, or still refused after a refresh).
 */
export class OAuthProbeCredentials implements ProbeCredentials {
  private refreshed = false;
  private failure: ProbeFailure | null = null;
  private readonly secrets = new Set<string>();

  constructor(
    private snapshot: OAuthSnapshot,
    private readonly renew: Renew,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.learn(snapshot);
  }

  async headers(): Promise<Record<string, string>> {
    if (needsNewToken(this.snapshot.credentials, this.now())) await this.renewed(null);
    return bearer(this.snapshot);
  }

  async refresh(rejected: Record<string, string>): Promise<Record<string, string> | null> {
    const rejectedToken = bearerTokenOf(rejected);
    // Renewed meanwhile (by this probe or, seen on re-read, by another): try the newer one.
    if (rejectedToken !== accessTokenOf(this.snapshot.credentials)) return bearer(this.snapshot);
    if (this.refreshed || renewalProblem(this.snapshot.credentials) !== null) return null;
    await this.renewed(rejectedToken);
    return bearer(this.snapshot);
  }

  /** The probe's result with OAuth failures named, and no stored secret in its text. */
  verdictOf(result: ProbeResult): ProbeResult {
    if (result.ok) return result;
    const redactor = new SecretRedactor(this.secrets);
    if (this.failure) {
      return {
        ...result,
        status: 'unhealthy',
        error_kind: this.failure.kind,
        error: redactor.redact(this.failure.message),
      };
    }
    if (result.error_kind === 'credentials_rejected' && this.refreshed) {
      return {
        ...result,
        error_kind: 'auth_failed',
        error: redactor.redact(
          `${result.error ?? 'credentials were rejected'} after an OAuth token refresh`,
        ),
      };
    }
    return { ...result, error: result.error === null ? null : redactor.redact(result.error) };
  }

  private async renewed(rejectedToken: string | null): Promise<void> {
    const credentials = this.snapshot.credentials;
    const problem = renewalProblem(credentials);
    if (problem !== null && rejectedToken === null) {
      const expiresAt = expiresAtOf(credentials);
      throw this.failed(
        new ProbeFailure(
          'auth_expired',
          expiresAt && accessTokenOf(credentials) !== null
            ? `the OAuth access token expired at ${expiresAt.toISOString()} and ${problem}`
            : `no OAuth access token is stored and ${problem}`,
        ),
      );
    }
    try {
      const { snapshot, refreshed } = await this.renew(this.snapshot, rejectedToken);
      this.snapshot = snapshot;
      this.refreshed ||= refreshed;
      this.learn(snapshot);
    } catch (error) {
      if (!(error instanceof ProbeFailure)) throw error;
      const what =
        grantTypeOf(credentials) === 'client_credentials'
          ? 'OAuth client_credentials grant'
          : 'OAuth token refresh';
      throw this.failed(new ProbeFailure(error.kind, `${what} failed: ${error.message}`));
    }
  }

  private failed(failure: ProbeFailure): ProbeFailure {
    this.failure = failure;
    return failure;
  }

  private learn(snapshot: OAuthSnapshot): void {
    for (const secret of secretsOf(snapshot.credentials)) this.secrets.add(secret);
  }
}

function bearer(snapshot: OAuthSnapshot): Record<string, string> {
  const token = accessTokenOf(snapshot.credentials);
  return token === null ? {} : { Authorization: `Bearer ${token}` };
}

function bearerTokenOf(headers: Record<string, string>): string | null {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'authorization') continue;
    const match = /^bearer\s+(.+)$/i.exec(value);
    return match ? match[1] : null;
  }
  return null;
}
