import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_CONFIG, AppConfig } from '@app/core';
import { SecretBox } from '@app/crypto';
import type { SecretAad } from '@app/crypto';
import { CredentialsRefreshRepository, RefreshableCredentialsRef } from '@app/dal';
import { OAuthTokenClient, ProbeFailure } from '@app/mcp-probe';
import type { ProbeSource } from '../health-metrics';
import { probePolicyOf } from '../probe-runner';
import { OAuthProbeCredentials, OAuthSnapshot } from './oauth-probe-credentials';
import {
  accessTokenOf,
  grantTypeOf,
  needsNewToken,
  StoredOAuth,
  tokenRequestOf,
  withIssuedToken,
} from './stored-oauth';

/** A row holding OAuth credentials, as read for a probe (its ciphertext and what it opens to). */
export interface OAuthCredentialsRow {
  ref: RefreshableCredentialsRef;
  aad: SecretAad;
  sealed: string;
  credentials: StoredOAuth;
}

/** How often a replica waiting for another's refresh looks at the row again. */
const WAIT_POLL_MS = 100;
/** A lease outlives the token request it covers by this much (the write after it). */
const LEASE_SLACK_MS = 2_000;
/** Writes lost to edits that kept the refresh token (a re-seal, another field) are redone. */
const WRITE_ATTEMPTS = 3;

/**
 * The stored side of OAuth refreshes, shared by every replica. Only the holder of a row's
 * refresh lease (taken by compare-and-swap on the ciphertext it read) calls the token endpoint,
 * so one refresh happens per expiry and a rotating refresh token is spent once; the new tokens
 * are written, sealed, over that same ciphertext, with a `credentials.refreshed` audit event.
 * Everyone else waits for the row to change and uses the winner's token.
 */
@Injectable()
export class OAuthCredentialsRefresher {
  private readonly logger = new Logger('OAuthRefresh');
  private readonly tokens: OAuthTokenClient;
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly instanceId = `${hostname().slice(0, 40)}:${process.pid}`;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repository: CredentialsRefreshRepository,
    private readonly secretBox: SecretBox,
  ) {
    // Reads MCP_CA_FILE at start-up, like the prober: token endpoints are targets like servers.
    this.tokens = new OAuthTokenClient(probePolicyOf(config));
    this.leaseMs = config.health.timeoutMs + LEASE_SLACK_MS;
    this.waitMs = this.leaseMs + LEASE_SLACK_MS;
  }

  /** The credential source of one probe of this row. */
  credentialsFor(row: OAuthCredentialsRow, source: ProbeSource): OAuthProbeCredentials {
    return new OAuthProbeCredentials(
      { sealed: row.sealed, credentials: row.credentials },
      (from, rejectedToken) => this.renew(row, source, from, rejectedToken),
    );
  }

  private async renew(
    row: OAuthCredentialsRow,
    source: ProbeSource,
    from: OAuthSnapshot,
    rejectedToken: string | null,
  ): Promise<{ snapshot: OAuthSnapshot; refreshed: boolean }> {
    const deadline = Date.now() + this.waitMs;
    let current = from;
    while (Date.now() < deadline) {
      const stored = await this.repository.read(row.ref);
      if (!stored?.sealed) {
        throw new ProbeFailure('auth_failed', 'the stored credentials were removed');
      }
      if (stored.sealed !== current.sealed) {
        current = { sealed: stored.sealed, credentials: this.open(row, stored.sealed) };
        // Another replica refreshed (or someone stored new credentials): use theirs.
        if (usable(current.credentials, rejectedToken))
          return { snapshot: current, refreshed: false };
      }
      const now = new Date();
      if (stored.refreshUntil !== null && stored.refreshUntil > now) {
        await sleep(WAIT_POLL_MS);
        continue;
      }
      const owner = `${this.instanceId}:${randomBytes(6).toString('hex')}`;
      const claimed = await this.repository.claim(row.ref, {
        expectedSealed: current.sealed,
        owner,
        now,
        until: new Date(now.getTime() + this.leaseMs),
      });
      if (!claimed) continue;
      return { snapshot: await this.refreshHolding(row, source, current, owner), refreshed: true };
    }
    throw new ProbeFailure('timeout', 'another refresh of this token did not finish in time');
  }

  /** Calls the token endpoint while holding the lease, then stores the result. */
  private async refreshHolding(
    row: OAuthCredentialsRow,
    source: ProbeSource,
    current: OAuthSnapshot,
    owner: string,
  ): Promise<OAuthSnapshot> {
    const request = tokenRequestOf(current.credentials);
    let issued;
    try {
      issued = await this.tokens.requestToken(request);
    } catch (error) {
      await this.repository.release(row.ref, owner).catch(() => undefined);
      throw error;
    }
    const spentRefreshToken =
      request.grant.type === 'refresh_token' ? request.grant.refreshToken : null;
    let base = current;
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const now = new Date();
      const credentials = withIssuedToken(base.credentials, issued, now);
      const sealed = this.secretBox.sealJson(credentials, row.aad);
      const written = await this.repository.complete(row.ref, {
        expectedSealed: base.sealed,
        sealed,
        auditChanges: {
          grant_type: grantTypeOf(credentials),
          source,
          refresh_token_rotated: issued.refreshToken !== undefined && spentRefreshToken !== null,
          expires_at: credentials.expires_at ?? null,
        },
      });
      if (written) {
        this.logger.log(
          `Refreshed the OAuth token of ${row.ref.kind} ${row.ref.id} (${grantTypeOf(credentials)})`,
        );
        return { sealed, credentials };
      }
      const stored = await this.repository.read(row.ref);
      if (!stored?.sealed) break;
      const reread = { sealed: stored.sealed, credentials: this.open(row, stored.sealed) };
      // Re-sealed (key rotation) or edited elsewhere but still built on the spent refresh token:
      // the new tokens belong in it, or the rotated refresh token would be lost.
      if (spentRefreshToken !== null && reread.credentials.refresh_token !== spentRefreshToken) {
        await this.repository.release(row.ref, owner).catch(() => undefined);
        return reread;
      }
      base = reread;
    }
    await this.repository.release(row.ref, owner).catch(() => undefined);
    // Not stored: this probe still uses the token it was given.
    this.logger.warn(
      `The refreshed OAuth token of ${row.ref.kind} ${row.ref.id} could not be stored`,
    );
    return {
      sealed: base.sealed,
      credentials: withIssuedToken(base.credentials, issued, new Date()),
    };
  }

  private open(row: OAuthCredentialsRow, sealed: string): StoredOAuth {
    return this.secretBox.openJson<StoredOAuth>(sealed, row.aad);
  }
}

/** A token worth trying instead of refreshing: present, not expired, not the refused one. */
function usable(credentials: StoredOAuth, rejectedToken: string | null): boolean {
  const token = accessTokenOf(credentials);
  return token !== null && token !== rejectedToken && !needsNewToken(credentials, new Date());
}
