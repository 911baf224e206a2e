import {
  addressRefusal,
  AddressCategory,
  AddressPolicy,
  classifyAddress,
  parseIpAddress,
} from './target-address.policy';

// Every IPv6 form that carries an IPv4 address, with the category of the IPv4 host it reaches.
const EMBEDDED_FORMS: [string, AddressCategory][] = [
  // IPv4-mapped ::ffff:0:0/96
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:169.254.169.254', 'metadata'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:8.8.8.8', 'public'],
  // IPv4-compatible ::/96 (deprecated, still parsed by stacks)
  ['::127.0.0.1', 'loopback'],
  ['::a9fe:a9fe', 'metadata'],
  ['::10.0.0.1', 'private'],
  ['::808:808', 'public'],
  // SIIT ::ffff:0:0:0/96 (RFC 6145)
  ['::ffff:0:7f00:1', 'loopback'],
  ['::ffff:0:169.254.169.254', 'metadata'],
  ['::ffff:0:c0a8:1', 'private'],
  ['::ffff:0:808:808', 'public'],
  // NAT64 well-known prefix 64:ff9b::/96
  ['64:ff9b::7f00:1', 'loopback'],
  ['64:ff9b::169.254.169.254', 'metadata'],
  ['64:ff9b::10.1.2.3', 'private'],
  ['64:ff9b::808:808', 'public'],
  // NAT64 local-use 64:ff9b:1::/48, IPv4 at /96 and at /48 (around the u octet)
  ['64:ff9b:1::7f00:1', 'loopback'],
  ['64:ff9b:1::10.0.0.1', 'private'],
  ['64:ff9b:1:a9fe:a9:fe00::', 'metadata'],
  ['64:ff9b:1::8.8.8.8', 'public'],
  // 6to4 2002::/16: the relay's IPv4 address sits in bits 16–47
  ['2002:7f00:1::1', 'loopback'],
  ['2002:a9fe:a9fe::', 'metadata'],
  ['2002:a00:1:1::1', 'private'],
  ['2002:c0a8:101::1', 'private'],
  ['2002:808:808::1', 'public'],
  // Teredo 2001::/32: server IPv4 in bits 32–63, client IPv4 inverted in the last 32 bits
  ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'],
  ['2001:0:4136:e378:8000:63bf:5601:5601', 'metadata'],
  ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private'],
  ['2001:0:7f00:1:8000:63bf:f7f7:f7f7', 'loopback'],
  ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'public'],
];

describe('classifyAddress', () => {
  const cases: [string, AddressCategory][] = [
    ...EMBEDDED_FORMS,
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.1.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['febf:ffff::1', 'link_local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['172.15.255.255', 'public'],
    ['192.168.1.1', 'private'],
    ['192.169.0.1', 'public'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['100.128.0.1', 'public'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fec0::1', 'private'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['ff02::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['2001:db8::1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['100::1', 'reserved'],
    // A local-use NAT64 address that fits no RFC 6052 layout (u octet set) cannot be vetted.
    ['64:ff9b:1:0:ff00:0:0:1', 'reserved'],
    // IPv4-mapped and other IPv4-embedding IPv6 forms are judged by the IPv4 address inside.
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::169.254.169.254', 'metadata'],
    ['64:ff9b::808:808', 'public'],
    ['[::1]', 'loopback'],
    ['fe80::1%eth0', 'link_local'],
    ['not-an-ip', 'reserved'],
    ['localhost', 'reserved'],
    ['', 'reserved'],
  ];

  it.each(cases)('%s is %s', (address, category) => {
    expect(classifyAddress(address)).toBe(category);
  });
});

describe('parseIpAddress', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['::ffff:1.2.3.4', '::ffff:102:304'],
    ['[2001:db8::8:800:200c:417a]', '2001:db8::8:800:200c:417a'],
    ['1:2:3:4:5:6:7.8.9.10', '1:2:3:4:5:6:708:90a'],
  ])('reads %s as %s', (text, normal) => {
    expect(parseIpAddress(text)?.toString()).toBe(normal);
  });

  it.each(['10.0.0', '127.1', '0x7f.0.0.1', '010.0.0.1', '1::2::3', 'example.com', ''])(
    'refuses %s as no plain IP literal',
    (text) => {
      expect(parseIpAddress(text)).toBeNull();
    },
  );
});

describe('addressRefusal', () => {
  const open = { allowLoopback: true, denyPrivateNetworks: false };
  const strict = { allowLoopback: false, denyPrivateNetworks: true };

  it('always refuses metadata, link-local, unspecified and non-unicast addresses', () => {
    for (const address of ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']) {
      expect(addressRefusal(address, open)).toMatch(/metadata/);
    }
    expect(addressRefusal('169.254.10.10', open)).toMatch(/link-local/);
    expect(addressRefusal('fe80::abcd', open)).toMatch(/link-local/);
    expect(addressRefusal('0.0.0.0', open)).toMatch(/unspecified/);
    expect(addressRefusal('::', open)).toMatch(/unspecified/);
    expect(addressRefusal('239.1.1.1', open)).toMatch(/not a routable unicast/);
    expect(addressRefusal('::ffff:169.254.169.254', open)).toMatch(/metadata/);
  });

  it('refuses loopback unless allowed', () => {
    expect(addressRefusal('127.0.0.1', strict)).toMatch(/loopback/);
    expect(addressRefusal('::1', strict)).toMatch(/loopback/);
    expect(addressRefusal('::ffff:127.0.0.1', strict)).toMatch(/loopback/);
    expect(addressRefusal('127.0.0.1', open)).toBeNull();
    expect(addressRefusal('::1', open)).toBeNull();
  });

  it('refuses private ranges only when private networks are denied', () => {
    for (const address of ['10.0.0.1', '172.20.1.1', '192.168.0.10', 'fd00::1', '100.64.1.1']) {
      expect(addressRefusal(address, strict)).toMatch(/private network/);
      expect(addressRefusal(address, open)).toBeNull();
    }
  });

  it('lets public addresses through under any policy', () => {
    expect(addressRefusal('93.184.216.34', strict)).toBeNull();
    expect(addressRefusal('2606:4700::6810:85e5', strict)).toBeNull();
  });
});

describe('addressRefusal of IPv6 forms that embed an IPv4 address', () => {
  const policies: [string, AddressPolicy][] = [
    ['default', { allowLoopback: false, denyPrivateNetworks: false }],
    ['loopback allowed', { allowLoopback: true, denyPrivateNetworks: false }],
    ['private denied', { allowLoopback: false, denyPrivateNetworks: true }],
    ['loopback allowed, private denied', { allowLoopback: true, denyPrivateNetworks: true }],
  ];
  const refusedUnder = (category: AddressCategory, policy: AddressPolicy): boolean =>
    category === 'loopback'
      ? !policy.allowLoopback
      : category === 'private'
        ? policy.denyPrivateNetworks
        : category !== 'public';
  const cases = policies.flatMap(([name, policy]) =>
    EMBEDDED_FORMS.map(([address, category]) => [address, category, name, policy] as const),
  );

  it.each(cases)('%s (%s) under the %s policy', (address, category, _name, policy) => {
    const refusal = addressRefusal(address, policy);
    if (refusedUnder(category, policy)) {
      expect(refusal).toContain(address);
      expect(refusal).toMatch(/embeds an IPv4 address/);
    } else {
      expect(refusal).toBeNull();
    }
  });

  it('names the embedded IPv4 address and why it is refused', () => {
    const strict = { allowLoopback: false, denyPrivateNetworks: true };
    expect(addressRefusal('2002:a9fe:a9fe::', strict)).toBe(
      '2002:a9fe:a9fe:: embeds an IPv4 address: 169.254.169.254 is a cloud metadata address',
    );
    expect(addressRefusal('2001:0:4136:e378:8000:63bf:80ff:fffe', strict)).toBe(
      '2001:0:4136:e378:8000:63bf:80ff:fffe embeds an IPv4 address: 127.0.0.1 is a loopback address',
    );
  });
});
