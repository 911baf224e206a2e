import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, buildConnector, request } from 'undici';
import { APP_CONFIG, AppConfig } from '@app/core';
import { ProbeFailure, resolveHttpTarget, ResolvedHttpTarget } from '@app/mcp-probe';
import { isLoopbackHost } from './webhook-target';

/** What is read of a receiver's answer at most: its status is all that counts. */
export const MAX_RESPONSE_BYTES = 4 * 1024;
/** A receiver's resolved address is reused this long (its connection kept alive meanwhile). */
const TARGET_TTL_MS = 60_000;

export interface WebhookRequest {
  /** Keys the pinned connection (one per subscription and URL). */
  webhookId: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export type SendResult =
  | { ok: true; status: number; durationMs: number }
  | { ok: false; status: number | null; error: string; durationMs: number };

interface Target {
  url: string;
  resolved: ResolvedHttpTarget;
  agent: Agent;
  expiresAt: number;
}

/**
 * POSTs webhook requests so that a receiver cannot slow or trick the service: the URL goes
 * through the probe target policy (every DNS answer vetted, the vetted address pinned, plain
 * http only to loopback), redirects are never followed (a 3xx is a failure), the whole exchange
 * is bounded by WEBHOOK_TIMEOUT_MS, and at most MAX_RESPONSE_BYTES of the answer are read before
 * the connection is dropped. Errors name what happened, never what the receiver sent.
 */
@Injectable()
export class WebhookSender implements OnModuleDestroy {
  private readonly targets = new Map<string, Target>();
  private readonly ca: string[] | undefined;
  private readonly timeoutMs: number;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.ca = config.mcp.caFile
      ? [...rootCertificates, readFileSync(config.mcp.caFile, 'utf8')]
      : undefined;
    this.timeoutMs = config.webhooks.timeoutMs;
  }

  async onModuleDestroy(): Promise<void> {
    const agents = [...this.targets.values()].map((target) => target.agent);
    this.targets.clear();
    await Promise.all(agents.map((agent) => agent.destroy().catch(() => undefined)));
  }

  async send(message: WebhookRequest): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const target = await this.targetOf(message);
      const response = await request(target.resolved.url, {
        method: 'POST',
        headers: message.headers,
        body: message.body,
        dispatcher: target.agent,
        signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const status = response.statusCode;
      await drainSome(response.body);
      if (status >= 200 && status < 300) return { ok: true, status, durationMs: elapsed() };
      const error =
        status >= 300 && status < 400
          ? `redirect not followed (HTTP ${status})`
          : `the receiver answered HTTP ${status}`;
      return { ok: false, status, error, durationMs: elapsed() };
    } catch (error) {
      this.forget(message.webhookId);
      const reason = signal.aborted
        ? `timed out after ${this.timeoutMs} ms`
        : describeFailure(error);
      return { ok: false, status: null, error: reason, durationMs: elapsed() };
    }
  }

  /** The subscription's pinned connection, resolved and vetted again every TARGET_TTL_MS. */
  private async targetOf(message: WebhookRequest): Promise<Target> {
    const cached = this.targets.get(message.webhookId);
    if (cached && cached.url === message.url && cached.expiresAt > Date.now()) return cached;
    if (cached) this.forget(message.webhookId);
    const policy = {
      allowLoopback: this.config.mcp.allowLoopback,
      denyPrivateNetworks: this.config.mcp.denyPrivateNetworks,
    };
    const resolved = await resolveHttpTarget(message.url, policy);
    if (
      resolved.url.protocol === 'http:' &&
      !(policy.allowLoopback && isLoopbackHost(resolved.address))
    ) {
      throw new ProbeFailure(
        'target_refused',
        'target refused: plain http only to a loopback host',
      );
    }
    const connect = buildConnector({
      ...(this.ca ? { ca: this.ca } : {}),
      timeout: this.timeoutMs,
    });
    const agent = new Agent({
      connect: (options, callback) => {
        if (options.hostname.toLowerCase() !== resolved.hostname) {
          callback(new Error('refusing to connect to a host other than the receiver'), null);
          return;
        }
        connect({ ...options, hostname: resolved.address }, callback);
      },
      keepAliveTimeout: 4_000,
      connections: 1,
    });
    const target = { url: message.url, resolved, agent, expiresAt: Date.now() + TARGET_TTL_MS };
    this.targets.set(message.webhookId, target);
    return target;
  }

  private forget(webhookId: string): void {
    const target = this.targets.get(webhookId);
    if (!target) return;
    this.targets.delete(webhookId);
    void target.agent.close().catch(() => undefined);
  }
}

/**
 * Reads what a receiver sends after its status line, up to MAX_RESPONSE_BYTES, so a short answer
 * leaves the connection reusable; a longer one is cut off with its connection. The status
 * decides the outcome, so a receiver failing while its body is read changes nothing.
 */
async function drainSome(body: AsyncIterable<unknown> & { destroy(): unknown }): Promise<void> {
  let read = 0;
  try {
    for await (const chunk of body) {
      read += (chunk as Buffer).length;
      if (read >= MAX_RESPONSE_BYTES) break;
    }
  } catch {
    // the status is already known
  } finally {
    body.destroy();
  }
}

const TLS = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_OSSL_)/;

/** A fixed wording per failure kind: driver and TLS messages may quote what the peer sent. */
function describeFailure(error: unknown): string {
  if (error instanceof ProbeFailure) return error.message.slice(0, 400);
  const code = errorCode(error);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'could not resolve the host';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    return 'the connection was reset';
  }
  if (code && code.startsWith('UND_ERR_') && code.includes('TIMEOUT')) return 'timed out';
  if (code && TLS.test(code)) return `TLS failure (${code})`;
  if (code === 'UND_ERR_INVALID_ARG' || code === 'ERR_INVALID_URL') return 'invalid URL';
  return code ? `request failed (${code})` : 'request failed';
}

function errorCode(error: unknown): string | undefined {
  let current = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 4; depth++) {
    if (typeof current.code === 'string') return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
}
