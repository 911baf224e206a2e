import { isIPv4, isIPv6 } from 'node:net';

export type AddressCategory =
  'public' | 'private' | 'loopback' | 'link_local' | 'metadata' | 'unspecified' | 'reserved';

export interface AddressPolicy {
  allowLoopback: boolean;
  denyPrivateNetworks: boolean;
}

export interface ParsedAddress {
  family: 4 | 6;
  bytes: number[];
}

interface Range {
  bytes: number[];
  prefix: number;
}

const v4 = (text: string, prefix: number): Range => ({ bytes: parseIpv4(text)!, prefix });
const v6 = (text: string, prefix: number): Range => ({ bytes: parseIpv6(text)!, prefix });

// Metadata endpoints hand out cloud credentials, so they are refused before any broader rule.
const METADATA: Range[] = [v4('169.254.169.254', 32), v4('100.100.100.200', 32)];
const METADATA_V6: Range[] = [v6('fd00:ec2::254', 128)];

const V4_RULES: [Range, AddressCategory][] = [
  [v4('0.0.0.0', 8), 'unspecified'],
  [v4('127.0.0.0', 8), 'loopback'],
  [v4('169.254.0.0', 16), 'link_local'],
  [v4('10.0.0.0', 8), 'private'],
  [v4('172.16.0.0', 12), 'private'],
  [v4('192.168.0.0', 16), 'private'],
  [v4('100.64.0.0', 10), 'private'],
  // Multicast, the old class E block and the broadcast address never host an MCP server.
  [v4('224.0.0.0', 4), 'reserved'],
  [v4('240.0.0.0', 4), 'reserved'],
];

const V6_RULES: [Range, AddressCategory][] = [
  [v6('::', 128), 'unspecified'],
  [v6('::1', 128), 'loopback'],
  [v6('fe80::', 10), 'link_local'],
  [v6('fc00::', 7), 'private'],
  // Deprecated site-local addresses still route inside some networks.
  [v6('fec0::', 10), 'private'],
  [v6('ff00::', 8), 'reserved'],
];

// These IPv6 forms carry an IPv4 address in their last 32 bits and reach that IPv4 host, so they
// are judged by the embedded address (otherwise ::ffff:169.254.169.254 would slip through).
const EMBEDS_V4: Range[] = [v6('::ffff:0:0', 96), v6('::', 96), v6('64:ff9b::', 96)];

export function parseIpAddress(text: string): ParsedAddress | null {
  const withoutZone = text.includes('%') ? text.slice(0, text.indexOf('%')) : text;
  const bare =
    withoutZone.startsWith('[') && withoutZone.endsWith(']')
      ? withoutZone.slice(1, -1)
      : withoutZone;
  if (isIPv4(bare)) return { family: 4, bytes: parseIpv4(bare)! };
  if (isIPv6(bare)) return { family: 6, bytes: parseIpv6(bare)! };
  return null;
}

export function classifyAddress(text: string): AddressCategory {
  const parsed = parseIpAddress(text);
  // Anything that is not a plain IP literal cannot be vetted, so it is never dialled.
  if (!parsed) return 'reserved';
  return parsed.family === 4 ? classifyV4(parsed.bytes) : classifyV6(parsed.bytes);
}

/** Why the address may not be probed under the policy, or null when it may. */
export function addressRefusal(text: string, policy: AddressPolicy): string | null {
  const category = classifyAddress(text);
  switch (category) {
    case 'metadata':
      return `${text} is a cloud metadata address`;
    case 'unspecified':
      return `${text} is an unspecified address`;
    case 'link_local':
      return `${text} is a link-local address`;
    case 'reserved':
      return `${text} is not a routable unicast address`;
    case 'loopback':
      return policy.allowLoopback ? null : `${text} is a loopback address`;
    case 'private':
      return policy.denyPrivateNetworks ? `${text} is a private network address` : null;
    case 'public':
      return null;
  }
}

function classifyV4(bytes: number[]): AddressCategory {
  if (METADATA.some((range) => inRange(bytes, range))) return 'metadata';
  for (const [range, category] of V4_RULES) {
    if (inRange(bytes, range)) return category;
  }
  return 'public';
}

function classifyV6(bytes: number[]): AddressCategory {
  if (METADATA_V6.some((range) => inRange(bytes, range))) return 'metadata';
  // :: and ::1 sit inside ::/96 but mean themselves, not an embedded IPv4 address.
  for (const [range, category] of V6_RULES.slice(0, 2)) {
    if (inRange(bytes, range)) return category;
  }
  if (EMBEDS_V4.some((range) => inRange(bytes, range))) return classifyV4(bytes.slice(12));
  for (const [range, category] of V6_RULES.slice(2)) {
    if (inRange(bytes, range)) return category;
  }
  return 'public';
}

function inRange(bytes: number[], range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  let remaining = range.prefix;
  for (let i = 0; remaining > 0; i++, remaining -= 8) {
    const mask = remaining >= 8 ? 0xff : (0xff << (8 - remaining)) & 0xff;
    if ((bytes[i] & mask) !== (range.bytes[i] & mask)) return false;
  }
  return true;
}

function parseIpv4(text: string): number[] | null {
  if (!isIPv4(text)) return null;
  return text.split('.').map(Number);
}

function parseIpv6(text: string): number[] | null {
  if (!isIPv6(text)) return null;
  let head = text;
  const tail: number[] = [];
  // A trailing dotted quad (::ffff:1.2.3.4) stands for the last two 16-bit groups.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const quad = parseIpv4(text.slice(lastColon + 1));
    if (!quad) return null;
    tail.push(...quad);
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, null];
  const toGroups = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((group) => parseInt(group, 16));
  const leftGroups = toGroups(left);
  const rightGroups = right === null ? [] : toGroups(right);
  const missing = 8 - tail.length / 2 - leftGroups.length - rightGroups.length;
  if (missing < 0 || (right === null && missing !== 0)) return null;
  const groups = [...leftGroups, ...new Array<number>(missing).fill(0), ...rightGroups];
  const bytes = groups.flatMap((group) => [group >> 8, group & 0xff]);
  return [...bytes, ...tail];
}
