import type { FetchLike } from '@modelcontextprotocol/client';
import type { ProbeObservations } from './probe-observations';

/**
 * Where a probe's credential headers come from: the one seam between the prober and credentials.
 * The prober asks for the headers before its first request and, when the server answers 401,
 * asks once per probe for fresh ones and retries each refused request with them. Static headers
 * are one source (`staticCredentials`); a source that refreshes OAuth tokens is another. A source
 * may throw a ProbeFailure (a refused grant, say) to fail the probe with its own kind and wording;
 * its header values are treated as secrets (redacted from everything the probe reports).
 */
export interface ProbeCredentials {
  /** The headers for every HTTP request of this probe. */
  headers(): Promise<Record<string, string>>;
  /**
   * The server answered 401 to a request sent with `rejected`. Fresh headers to retry with, or
   * null when nothing can be refreshed (the 401 then stands).
   */
  refresh?(rejected: Record<string, string>): Promise<Record<string, string> | null>;
}

export function staticCredentials(headers: Record<string, string> = {}): ProbeCredentials {
  return { headers: async () => headers };
}

/**
 * A fetch that adds the probe's credential headers to every request and, on a 401, refreshes
 * them once for the whole probe (concurrent refusals share the refresh) and retries the refused
 * request once. `accept` checks fresh headers (and teaches the redactor their values).
 */
export class CredentialedFetch {
  readonly fetch: FetchLike;
  private refreshing: Promise<Record<string, string> | null> | null = null;

  constructor(
    private readonly base: FetchLike,
    private readonly source: ProbeCredentials,
    private current: Record<string, string>,
    private readonly accept: (headers: Record<string, string>) => Record<string, string>,
    private readonly observations: ProbeObservations,
  ) {
    this.fetch = (input, init) => this.request(input, init);
  }

  private async request(input: string | URL, init?: RequestInit): Promise<Response> {
    const sent = this.current;
    const response = await this.base(input, withHeaders(init, sent));
    if (response.status !== 401 || !this.source.refresh || !isReplayable(init)) return response;
    this.refreshing ??= this.source.refresh(sent).then((fresh) => {
      if (fresh) this.current = this.accept(fresh);
      return fresh;
    });
    if (!(await this.refreshing)) return response;
    await response.body?.cancel().catch(() => undefined);
    const retried = await this.base(input, withHeaders(init, this.current));
    // The refused attempt is no verdict once its retry got through.
    if (retried.status < 400 && this.observations.lastHttpFailure?.status === 401) {
      this.observations.lastHttpFailure = null;
    }
    return retried;
  }
}

function withHeaders(init: RequestInit | undefined, credentials: Record<string, string>) {
  const headers = new Headers(init?.headers);
  for (const [name, value] of Object.entries(credentials)) headers.set(name, value);
  return { ...init, headers };
}

/** The SDK's requests carry no body or a string one, which can be sent again as it is. */
function isReplayable(init: RequestInit | undefined): boolean {
  return init?.body === undefined || init.body === null || typeof init.body === 'string';
}
