import { addressRefusal, AddressPolicy, classifyAddress, parseIpAddress } from '@app/mcp-probe';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

export interface WebhookTargetPolicy extends AddressPolicy {
  /** MCP_ALLOW_LOOPBACK: loopback receivers (plain http allowed for them alone). */
  allowLoopback: boolean;
}

/**
 * Why `raw` may not receive webhooks, or null when it may, before any name is resolved: an
 * absolute https URL (plain http only to a loopback host, and only with MCP_ALLOW_LOOPBACK: a
 * receiver on the same machine, for development and tests) without credentials in it, and an IP
 * literal host must pass the probe target policy. A host name is resolved and vetted again at
 * every delivery, as probes do (the address dialled is the one vetted).
 */
export function webhookUrlProblem(raw: string, policy: WebhookTargetPolicy): string | null {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) {
    return `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute https URL';
  }
  if (url.username || url.password) return 'must not carry credentials (user:password@)';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (url.protocol === 'http:') {
    if (!policy.allowLoopback || !isLoopbackHost(host)) {
      return 'must be an https URL (plain http only to a loopback host with MCP_ALLOW_LOOPBACK)';
    }
  } else if (url.protocol !== 'https:') {
    return 'must be an https URL';
  }
  if (parseIpAddress(host)) {
    const refusal = addressRefusal(host, policy);
    if (refusal) return `target refused: ${refusal}`;
  }
  return null;
}

/** A host that names this machine: a loopback literal or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return parseIpAddress(host) !== null && classifyAddress(host) === 'loopback';
}
