import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { LookupAll, resolveHttpTarget } from '../http-target.resolver';
import { PinnedHttpClient } from '../pinned-http.client';
import { ProbeBudget } from '../probe-budget';
import { classifyFailure } from '../probe-failure.classifier';
import { ProbeFailure } from '../probe-failure.error';
import { ProbeObservations } from '../probe-observations';
import type { ProbePolicy } from '../probe.types';
import { IssuedToken, TokenRequest } from './oauth-grant';
import { readTokenResponse } from './token-response';

/** A token answer is a few hundred bytes; anything near this is not one. */
export const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

export interface OAuthTokenClientOptions {
  /** Resolves host names (tests replace it, as for the prober). */
  lookup?: LookupAll;
  /** Per request; defaults to the policy's probe timeout. */
  timeoutMs?: number;
}

/**
 * Asks an OAuth 2.0 token endpoint for an access token (RFC 6749 §6 refresh, §4.4 client
 * credentials). The endpoint is a target like any MCP server: the same address policy (SSRF
 * rules, loopback, private networks), resolved once and pinned, `MCP_CA_FILE` trusted, no
 * redirects followed, the answer read up to MAX_TOKEN_RESPONSE_BYTES and the whole exchange
 * bounded in time. Every failure is a ProbeFailure with fixed wording: no token, secret or text
 * of the server's ever appears in one.
 */
export class OAuthTokenClient {
  private readonly ca: string[] | undefined;
  private readonly timeoutMs: number;

  constructor(
    private readonly policy: ProbePolicy,
    private readonly options: OAuthTokenClientOptions = {},
  ) {
    this.ca = policy.caFile
      ? [...rootCertificates, readFileSync(policy.caFile, 'utf8')]
      : undefined;
    this.timeoutMs = options.timeoutMs ?? policy.timeoutMs;
  }

  async requestToken(request: TokenRequest): Promise<IssuedToken> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const observations = new ProbeObservations();
    let http: PinnedHttpClient | null = null;
    try {
      const target = await this.resolve(request.tokenUrl);
      if (target.url.protocol !== 'https:') {
        // Client secrets and refresh tokens cross this connection (RFC 6749 §3.2 requires TLS).
        throw new ProbeFailure('target_refused', 'the token endpoint must be an https URL');
      }
      http = new PinnedHttpClient(target, {
        ca: this.ca,
        connectTimeoutMs: this.timeoutMs,
        signal: controller.signal,
        observations,
        budget: new ProbeBudget({
          maxMessageBytes: MAX_TOKEN_RESPONSE_BYTES,
          maxTotalBytes: MAX_TOKEN_RESPONSE_BYTES,
          maxMessages: 1,
        }),
      });
      const response = await http.fetch(target.url, {
        method: 'POST',
        redirect: 'manual',
        headers: requestHeaders(request),
        body: requestBody(request).toString(),
      });
      return readTokenResponse(response.status, await response.text());
    } catch (error) {
      if (controller.signal.aborted) {
        throw new ProbeFailure(
          'timeout',
          `the token endpoint did not answer within ${this.timeoutMs} ms`,
        );
      }
      if (error instanceof ProbeFailure && error.kind === 'response_too_large') {
        throw new ProbeFailure(
          'auth_failed',
          `the token endpoint answered with more than ${MAX_TOKEN_RESPONSE_BYTES} bytes`,
        );
      }
      if (error instanceof ProbeFailure) throw error;
      const { kind, message } = classifyFailure(error, observations);
      throw new ProbeFailure(kind, `the token endpoint could not be reached: ${message}`);
    } finally {
      clearTimeout(timer);
      await http?.destroy().catch(() => undefined);
    }
  }

  private async resolve(tokenUrl: string) {
    try {
      return await resolveHttpTarget(tokenUrl, this.policy, this.options.lookup);
    } catch (error) {
      if (!(error instanceof ProbeFailure)) throw error;
      // The resolver's wording speaks of "the server"; here it is the token endpoint.
      throw new ProbeFailure(error.kind, `token endpoint: ${error.message}`);
    }
  }
}

function requestHeaders(request: TokenRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (request.clientId !== undefined && request.clientSecret !== undefined) {
    if ((request.authMethod ?? 'client_secret_basic') === 'client_secret_basic') {
      // RFC 6749 §2.3.1: both are form-encoded before they are joined and base64-encoded.
      const pair = `${formEncode(request.clientId)}:${formEncode(request.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
    }
  }
  return headers;
}

function requestBody(request: TokenRequest): URLSearchParams {
  const body = new URLSearchParams({ grant_type: request.grant.type });
  if (request.grant.type === 'refresh_token') {
    body.set('refresh_token', request.grant.refreshToken);
  }
  const basic =
    request.clientSecret !== undefined &&
    (request.authMethod ?? 'client_secret_basic') === 'client_secret_basic';
  // A public client (no secret) identifies itself in the body (RFC 6749 §3.2.1).
  if (request.clientId !== undefined && !basic) body.set('client_id', request.clientId);
  if (request.clientSecret !== undefined && !basic) {
    body.set('client_secret', request.clientSecret);
  }
  if (request.scopes && request.scopes.length > 0) body.set('scope', request.scopes.join(' '));
  if (request.audience !== undefined) body.set('audience', request.audience);
  if (request.resource !== undefined) body.set('resource', request.resource);
  return body;
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
