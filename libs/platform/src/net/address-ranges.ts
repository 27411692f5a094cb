import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Why an address may not be fetched; `public` is the only class that may. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'carrier-grade-nat'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'unique-local'
  | 'invalid';

type Range = [prefix: string, bits: number, cls: Exclude<AddressClass, 'public' | 'invalid'>];

// IANA IPv4 special-purpose registry (RFC 6890 and successors), most specific first.
const V4: Range[] = [
  ['169.254.169.254', 32, 'metadata'], // AWS, GCP, Azure, OpenStack
  ['169.254.170.2', 32, 'metadata'], // ECS task metadata
  ['100.100.100.200', 32, 'metadata'], // Alibaba Cloud
  ['255.255.255.255', 32, 'broadcast'],
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade-nat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.0.2.0', 24, 'reserved'], // TEST-NET-1
  ['192.88.99.0', 24, 'reserved'], // 6to4 relay anycast
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'reserved'], // TEST-NET-2
  ['203.0.113.0', 24, 'reserved'], // TEST-NET-3
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

// IANA IPv6 special-purpose registry; the embedded-IPv4 forms are judged apart (see below).
const V6: Range[] = [
  ['fd00:ec2::254', 128, 'metadata'], // AWS IMDS over IPv6
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'reserved'], // IPv4-compatible (deprecated)
  ['64:ff9b:1::', 48, 'reserved'], // local-use NAT64
  ['100::', 64, 'reserved'], // discard-only
  ['2001::', 32, 'reserved'], // Teredo: the real peer is hidden in the address
  ['2001:2::', 48, 'reserved'], // benchmarking
  ['2001:10::', 28, 'reserved'], // ORCHID
  ['2001:20::', 28, 'reserved'], // ORCHIDv2
  ['2001:db8::', 32, 'reserved'], // documentation
  ['3fff::', 20, 'reserved'], // documentation
  ['5f00::', 16, 'reserved'], // SRv6 SIDs
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'reserved'], // site-local (deprecated)
  ['ff00::', 8, 'multicast'],
];

function listsOf(ranges: Range[], family: 'ipv4' | 'ipv6'): Array<[BlockList, Range[2]]> {
  return ranges.map(([prefix, bits, cls]) => {
    const list = new BlockList();
    list.addSubnet(prefix, bits, family);
    return [list, cls];
  });
}

const v4Lists = listsOf(V4, 'ipv4');
const v6Lists = listsOf(V6, 'ipv6');
const globalUnicastV6 = new BlockList();
globalUnicastV6.addSubnet('2000::', 3, 'ipv6');

/** The 16 bytes of an IPv6 address (zone id ignored), or undefined if it is not one. */
export function ipv6Bytes(address: string): number[] | undefined {
  const ip = address.replace(/%.*$/, '');
  if (!isIPv6(ip)) return undefined;
  // A dotted IPv4 tail (::ffff:1.2.3.4) is two more hextets.
  const hex = ip.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a: string, b: string, c: string, d: string) =>
    `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`,
  );
  const [left, right] = hex.split('::');
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const l = groups(left);
  const r = groups(right);
  const hextets = right === undefined ? l : [...l, ...new Array<string>(8 - l.length - r.length).fill('0'), ...r];
  return hextets.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** The IPv4 address an IPv6 address stands for (mapped, NAT64 well-known prefix, 6to4), if any. */
export function embeddedIPv4(address: string): string | undefined {
  const b = ipv6Bytes(address);
  if (!b) return undefined;
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = (at: number) => b.slice(at, at + 4).join('.');
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12); // ::ffff:a.b.c.d
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return v4(12); // 64:ff9b::/96
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2); // 2002:aabb:ccdd::/16
  return undefined;
}

/**
 * Classifies an IP address for outbound fetches. Only `public` may be connected to; an IPv6
 * address that embeds an IPv4 one is judged as that IPv4 address, and IPv6 outside 2000::/3
 * (global unicast) is `reserved`.
 */
export function classifyAddress(address: string): AddressClass {
  if (isIPv4(address)) {
    for (const [list, cls] of v4Lists) if (list.check(address, 'ipv4')) return cls;
    return 'public';
  }
  const ip = address.replace(/%.*$/, '');
  if (!isIPv6(ip)) return 'invalid';
  const v4 = embeddedIPv4(ip);
  if (v4 !== undefined) return classifyAddress(v4);
  for (const [list, cls] of v6Lists) if (list.check(ip, 'ipv6')) return cls;
  return globalUnicastV6.check(ip, 'ipv6') ? 'public' : 'reserved';
}
