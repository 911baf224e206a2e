import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { ProbeFailure } from './probe-failure.error';
import { AddressPolicy, addressRefusal } from './target-address.policy';

export interface ResolvedHttpTarget {
  url: URL;
  /** Host name without IPv6 brackets, lower-cased: what the Host header and SNI carry. */
  hostname: string;
  /** The one vetted address every connection of this probe dials. */
  address: string;
}

export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemLookup: LookupAll = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * Parses and vets an http(s) target. The name is resolved once and every answer must pass the
 * policy; the caller then dials the returned address only, so a DNS answer that changes between
 * check and connect (rebinding) cannot reach a refused network.
 */
export async function resolveHttpTarget(
  rawUrl: string | undefined,
  policy: AddressPolicy,
  lookup: LookupAll = systemLookup,
): Promise<ResolvedHttpTarget> {
  if (!rawUrl) throw new ProbeFailure('target_refused', 'the server has no URL to probe');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new ProbeFailure('target_refused', 'the server URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProbeFailure('target_refused', `URL scheme ${url.protocol} is not allowed`);
  }
  if (url.username || url.password) {
    throw new ProbeFailure(
      'target_refused',
      'URLs with embedded credentials are not allowed; store them as credentials instead',
    );
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();

  let addresses: string[];
  if (isIP(hostname)) {
    addresses = [hostname];
  } else {
    try {
      addresses = (await lookup(hostname)).map((entry) => entry.address);
    } catch {
      throw new ProbeFailure('unreachable', `could not resolve host ${hostname}`);
    }
    if (addresses.length === 0) {
      throw new ProbeFailure('unreachable', `could not resolve host ${hostname}`);
    }
  }

  for (const address of addresses) {
    const refusal = addressRefusal(address, policy);
    if (refusal) {
      const via = address === hostname ? '' : ` (${hostname} resolves to it)`;
      throw new ProbeFailure('target_refused', `target refused: ${refusal}${via}`);
    }
  }
  return { url, hostname, address: addresses[0] };
}
