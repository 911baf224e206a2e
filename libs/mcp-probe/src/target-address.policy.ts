import ipaddr from 'ipaddr.js';

export type AddressCategory =
  'public' | 'private' | 'loopback' | 'link_local' | 'metadata' | 'unspecified' | 'reserved';

export interface AddressPolicy {
  allowLoopback: boolean;
  denyPrivateNetworks: boolean;
}

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

// Metadata endpoints hand out cloud credentials, so they are refused before any broader rule.
const METADATA_V4 = ['169.254.169.254', '100.100.100.200'].map((text) => ipaddr.IPv4.parse(text));
const METADATA_V6 = [ipaddr.IPv6.parse('fd00:ec2::254')];

// ipaddr.js range names → our categories. Unlisted ranges (unicast, as112, amt) are public.
const V4_RANGES: Record<string, AddressCategory> = {
  unspecified: 'unspecified',
  loopback: 'loopback',
  linkLocal: 'link_local',
  private: 'private',
  carrierGradeNat: 'private',
  // Multicast, broadcast, class E, benchmarking and documentation blocks never host a server.
  multicast: 'reserved',
  broadcast: 'reserved',
  reserved: 'reserved',
};

const V6_RANGES: Record<string, AddressCategory> = {
  unspecified: 'unspecified',
  loopback: 'loopback',
  linkLocal: 'link_local',
  uniqueLocal: 'private',
  // Deprecated site-local addresses still route inside some networks.
  deprecatedSiteLocal: 'private',
  multicast: 'reserved',
  discard: 'reserved',
  reserved: 'reserved',
  benchmarking: 'reserved',
  deprecatedOrchid: 'reserved',
  orchid2: 'reserved',
  droneRemoteIdProtocolEntityTags: 'reserved',
  // A local-use NAT64 address whose IPv4 address cannot be located cannot be vetted.
  rfc6052: 'reserved',
};

// Worst first: what classifyAddress reports when an address embeds several IPv4 addresses.
const SEVERITY: AddressCategory[] = [
  'metadata',
  'unspecified',
  'link_local',
  'reserved',
  'loopback',
  'private',
  'public',
];

const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const NAT64_LOCAL_USE = ipaddr.IPv6.parseCIDR('64:ff9b:1::/48');
// RFC 6052 §2.2: where the IPv4 bytes sit for the prefix lengths /48, /56, /64 and /96. Byte 8
// (the u octet) and every byte after the IPv4 address are zero in a well-formed address; a
// local-use address that fits no layout cannot be vetted and is refused as reserved.
const RFC6052_LAYOUTS = [
  [6, 7, 9, 10],
  [7, 9, 10, 11],
  [9, 10, 11, 12],
  [12, 13, 14, 15],
];

/** A plain IP literal (IPv6 may be bracketed and carry a zone); anything else is null. */
export function parseIpAddress(text: string): IPv4 | IPv6 | null {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  // Only dotted quads: the inet_aton shorthands (127.1, 0x7f.1) are no address a resolver returns.
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (ipaddr.IPv6.isValid(bare)) return ipaddr.IPv6.parse(bare);
  return null;
}

export function classifyAddress(text: string): AddressCategory {
  const address = parseIpAddress(text);
  // Anything that is not a plain IP literal cannot be vetted, so it is never dialled.
  if (!address) return 'reserved';
  if (address.kind() === 'ipv4') return classifyV4(address as IPv4);
  const own = ownV6Category(address as IPv6);
  if (own) return own;
  const embedded = embeddedIpv4(address as IPv6).map(classifyV4);
  return embedded.length === 0 ? 'public' : worst(embedded);
}

/** Why the address may not be probed under the policy, or null when it may. */
export function addressRefusal(text: string, policy: AddressPolicy): string | null {
  const address = parseIpAddress(text);
  if (!address) return refusalOf(text, 'reserved', policy);
  if (address.kind() === 'ipv4') return refusalOf(text, classifyV4(address as IPv4), policy);
  const v6 = address as IPv6;
  const own = ownV6Category(v6);
  if (own) return refusalOf(text, own, policy);
  // Each form that carries an IPv4 address reaches that IPv4 host (through a translator, a relay
  // or the host's own tunnel), so every IPv4 address it may stand for has to pass on its own.
  for (const inner of embeddedIpv4(v6)) {
    const refusal = refusalOf(inner.toString(), classifyV4(inner), policy);
    if (refusal) return `${text} embeds an IPv4 address: ${refusal}`;
  }
  return null;
}

function refusalOf(text: string, category: AddressCategory, policy: AddressPolicy): string | null {
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

function classifyV4(address: IPv4): AddressCategory {
  if (METADATA_V4.some((metadata) => address.match(metadata, 32))) return 'metadata';
  return V4_RANGES[address.range()] ?? 'public';
}

/** The category an IPv6 address has by itself, or null for the forms judged by an IPv4 inside. */
function ownV6Category(address: IPv6): AddressCategory | null {
  if (METADATA_V6.some((metadata) => address.match(metadata, 128))) return 'metadata';
  if (embeddedIpv4(address).length > 0) return null;
  return V6_RANGES[address.range()] ?? 'public';
}

/**
 * The IPv4 addresses an IPv6 form stands for: IPv4-mapped (::ffff:a.b.c.d), SIIT
 * (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96, and the local-use
 * 64:ff9b:1::/48 read at every prefix length RFC 6052 allows that fits the address), 6to4
 * (2002:AABB:CCDD::) and Teredo (2001:0:server:…:client, the client address stored inverted).
 * Empty for every other address.
 */
function embeddedIpv4(address: IPv6): IPv4[] {
  const bytes = address.toByteArray();
  const v4 = (...indexes: number[]): IPv4 => new ipaddr.IPv4(indexes.map((i) => bytes[i]));
  const last32 = (): IPv4 => v4(12, 13, 14, 15);
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return [last32()];
    case '6to4':
      return [v4(2, 3, 4, 5)];
    case 'teredo':
      return [v4(4, 5, 6, 7), new ipaddr.IPv4([12, 13, 14, 15].map((i) => bytes[i] ^ 0xff))];
    case 'rfc6052':
      if (address.match(NAT64_WELL_KNOWN)) return [last32()];
      if (!address.match(NAT64_LOCAL_USE)) return [];
      // The operator's prefix length is unknown here: every reading that fits has to pass.
      if (bytes[8] !== 0) return [];
      return RFC6052_LAYOUTS.filter((layout) =>
        bytes.slice(layout[3] + 1).every((byte) => byte === 0),
      ).map((layout) => v4(...layout));
  }
  // IPv4-compatible: 96 zero bits, then the IPv4 address. :: and ::1 mean themselves.
  const compatible = bytes.slice(0, 12).every((byte) => byte === 0);
  const special = address.range() === 'unspecified' || address.range() === 'loopback';
  return compatible && !special ? [last32()] : [];
}

function worst(categories: AddressCategory[]): AddressCategory {
  return SEVERITY.find((category) => categories.includes(category)) ?? 'public';
}
