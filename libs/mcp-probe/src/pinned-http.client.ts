import type { FetchLike } from '@modelcontextprotocol/client';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { ResolvedHttpTarget } from './http-target.resolver';
import { limitedResponse } from './limited-response';
import { ProbeBudget } from './probe-budget';
import { ProbeObservations } from './probe-observations';

export interface PinnedHttpOptions {
  /** Replaces the default trust store when set; callers pass system roots plus extras. */
  ca?: string[];
  connectTimeoutMs: number;
  /** Aborts every request of the probe at once (deadline or cleanup). */
  signal: AbortSignal;
  observations: ProbeObservations;
  /** Bounds every body read; tripping it aborts every request of the probe. */
  budget: ProbeBudget;
}

/**
 * The HTTP side of one probe: an agent that dials only the vetted address (the URL's host name
 * still goes into the Host header and TLS SNI/certificate checks) and a fetch that records what
 * it sees and counts every body byte against the probe's budget. Destroying the agent closes
 * every socket the probe opened.
 */
export class PinnedHttpClient {
  readonly agent: Agent;
  readonly fetch: FetchLike;

  constructor(
    target: ResolvedHttpTarget,
    private readonly options: PinnedHttpOptions,
  ) {
    const connect = buildConnector({
      ...(options.ca ? { ca: options.ca } : {}),
      // Backstop only, past the probe deadline, so the deadline's wording wins.
      timeout: options.connectTimeoutMs + 1_000,
    });
    this.agent = new Agent({
      connect: (connectOptions, callback) => {
        // Only the probed origin is ever dialled; the SDK refuses cross-origin redirects anyway.
        if (connectOptions.hostname.toLowerCase() !== target.hostname) {
          callback(new Error('refusing to connect to a host other than the probed one'), null);
          return;
        }
        connect({ ...connectOptions, hostname: target.address }, callback);
      },
      keepAliveTimeout: 1_000,
      // The probe's own deadline governs; undici's coarse timers would only race it.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.fetch = (input, init) => this.request(input, init);
  }

  async destroy(): Promise<void> {
    await this.agent.destroy();
  }

  private async request(input: string | URL, init?: RequestInit): Promise<Response> {
    const { signal, observations, budget } = this.options;
    if (budget.failure) throw budget.failure;
    const method = (init?.method ?? 'GET').toUpperCase();
    const signals = [signal, budget.signal, ...(init?.signal ? [init.signal] : [])];
    try {
      const response = await undiciFetch(input, {
        ...(init as Parameters<typeof undiciFetch>[1]),
        signal: AbortSignal.any(signals),
        dispatcher: this.agent,
      });
      observations.recordResponse(method, response.status, response.headers.get('content-type'));
      return limitedResponse(response, budget) as unknown as Response;
    } catch (error) {
      if (budget.failure) throw budget.failure;
      if (!signal.aborted) observations.networkError = error;
      throw error;
    }
  }
}
