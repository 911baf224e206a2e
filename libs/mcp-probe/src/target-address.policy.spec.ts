import {
  addressRefusal,
  AddressCategory,
  classifyAddress,
  parseIpAddress,
} from './target-address.policy';

describe('classifyAddress', () => {
  const cases: [string, AddressCategory][] = [
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
    ['2001:db8::1', 'public'],
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
  it('expands IPv6 shorthand and embedded IPv4 into 16 bytes', () => {
    expect(parseIpAddress('::ffff:1.2.3.4')).toEqual({
      family: 6,
      bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4],
    });
    expect(parseIpAddress('2001:db8::8:800:200c:417a')?.bytes).toEqual([
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0x08, 0x08, 0x00, 0x20, 0x0c, 0x41, 0x7a,
    ]);
    expect(parseIpAddress('1:2:3:4:5:6:7.8.9.10')?.bytes).toEqual([
      0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 7, 8, 9, 10,
    ]);
    expect(parseIpAddress('10.0.0.1')).toEqual({ family: 4, bytes: [10, 0, 0, 1] });
    expect(parseIpAddress('10.0.0')).toBeNull();
  });
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
