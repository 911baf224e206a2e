import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { HEADER_NAME_PATTERN, UNSAFE_HEADER_VALUE } from './credential-headers.util';
import { LookupAll, resolveHttpTarget } from './http-target.resolver';
import { PinnedHttpClient } from './pinned-http.client';
import { CredentialedFetch, staticCredentials } from './probe-credentials';
import { ProbeFailure } from './probe-failure.error';
import { ProbeContext } from './probe-session';
import { ProbePolicy, ProbeTarget } from './probe.types';

// Headers the transport or the HTTP client must own: letting a stored value set them would
// break framing, sessions, era negotiation or the pinned Host.
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'mcp-session-id',
  'mcp-protocol-version',
  'mcp-method',
  'mcp-name',
]);

/**
 * The HTTP side of a probe (SSE or streamable HTTP): checks the headers to send, resolves and
 * pins the target address under the policy, and builds the SDK transport over that pinned client.
 */
export class HttpProbeTransports {
  private readonly ca: string[] | undefined;

  constructor(
    private readonly policy: ProbePolicy,
    private readonly lookup: LookupAll | undefined,
  ) {
    // Read once: a missing CA file is a configuration error, better reported at start-up.
    this.ca = policy.caFile
      ? [...rootCertificates, readFileSync(policy.caFile, 'utf8')]
      : undefined;
  }

  async open(
    target: ProbeTarget,
    context: ProbeContext,
  ): Promise<SSEClientTransport | StreamableHTTPClientTransport> {
    const { scope, observations, budget, redactor } = context;
    const accept = (headers: Record<string, string>): Record<string, string> => {
      const checked = checkedHeaders(headers);
      redactor.learnHeaders(checked);
      return checked;
    };
    const credentials = target.credentials ?? staticCredentials(target.headers);
    // Checked before anything is resolved or sent: a refused header sends nothing at all.
    const headers = accept(await credentials.headers());
    const resolved = await resolveHttpTarget(target.url, this.policy, this.lookup);
    if (scope.closed) throw new ProbeFailure('timeout', 'the probe was cancelled');
    const http = new PinnedHttpClient(resolved, {
      ca: resolved.url.protocol === 'https:' ? this.ca : undefined,
      connectTimeoutMs: this.policy.timeoutMs,
      signal: scope.signal,
      observations,
      budget,
    });
    scope.defer(() => http.destroy());
    const { fetch } = new CredentialedFetch(http.fetch, credentials, headers, accept, observations);
    if (target.transport === 'sse') return new SSEClientTransport(resolved.url, { fetch });
    return new StreamableHTTPClientTransport(resolved.url, {
      fetch,
      // A probe is one short exchange: reconnecting a dropped stream would only outlive it.
      reconnectionOptions: {
        maxRetries: 0,
        initialReconnectionDelay: 1_000,
        maxReconnectionDelay: 1_000,
        reconnectionDelayGrowFactor: 1,
      },
    });
  }
}

function checkedHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!HEADER_NAME_PATTERN.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new ProbeFailure('target_refused', `header "${name}" may not be set`);
    }
    if (typeof value !== 'string' || UNSAFE_HEADER_VALUE.test(value)) {
      throw new ProbeFailure('target_refused', `header "${name}" has an invalid value`);
    }
    result[name] = value;
  }
  return result;
}
