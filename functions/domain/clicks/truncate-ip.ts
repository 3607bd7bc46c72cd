/**
 * Truncates a visitor's IP before it is stored anywhere: IPv4 keeps its /24 (last octet zeroed),
 * IPv6 keeps its /48 (last 80 bits zeroed). An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is
 * treated as the IPv4 address it carries. Returns `null` for anything that is not an IP, so a
 * malformed header can never be stored verbatim.
 *
 * Both families are parsed by Node's WHATWG URL host parser, not by a parser library: ipaddr.js
 * (the redirect's parser until 2026-12) was a tenth of the redirect's bundle beyond its SDK
 * clients. A property test holds the result to ipaddr.js's on every address: IPv4 also in
 * inet_aton's notations (`127.1`, `0x7f.0.0.1`, octal `010.0.0.1`, one 32-bit number), IPv6
 * compressed or not, with an optional zone id (`fe80::1%eth0`, dropped), a dotted IPv4 tail, and
 * `::a.b.c.d` read as the mapped `::ffff:a.b.c.d`. The one difference is stricter: an IPv4 tail
 * in a non-decimal or zero-padded notation (`::ffff:01.02.03.04`), which the URL standard refuses
 * and ipaddr.js read, gives null (the address is then not stored), never another address.
 */
export function truncateIp(ip: string | undefined | null): string | null {
  if (!ip) return null;
  // One click truncates the same address two or three times (visitor hash, velocity, the record).
  if (ip === last.ip) return last.truncated;
  const truncated = truncate(ip);
  last.ip = ip;
  last.truncated = truncated;
  return truncated;
}

const last: { ip: string | undefined; truncated: string | null } = { ip: undefined, truncated: null };

function truncate(ip: string): string | null {
  const candidate = ip.trim();
  if (!candidate.includes(':')) {
    const octets = ipv4Octets(candidate);
    return octets ? `${octets[0]}.${octets[1]}.${octets[2]}.0` : null;
  }
  const groups = ipv6Groups(candidate);
  if (!groups) return null;
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    // IPv4-mapped (::ffff:0:0/96): the IPv4 address in the last 32 bits.
    return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.0`;
  }
  return rfc5952PrefixOf48(groups[0]!, groups[1]!, groups[2]!);
}

/** One to four parts, each decimal, `0x` hex or `0`-led octal; only these characters reach the URL parser. */
const IPV4_NOTATION = /^(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+)){0,3}$/i;

/** The four octets of an IPv4 address in any inet_aton notation, by the WHATWG URL host parser; null if it is none. */
function ipv4Octets(text: string): number[] | null {
  if (!IPV4_NOTATION.test(text)) return null;
  let host: string;
  try {
    host = new URL(`http://${text}`).hostname;
  } catch {
    return null;
  }
  const octets = host.split('.').map(Number);
  return octets.length === 4 && octets.every((octet) => Number.isInteger(octet) && octet >= 0 && octet <= 255) ? octets : null;
}

const ZONE_ID = /%[0-9a-z]+$/i;
/** Only address characters reach the URL parser: a `]`, `/` or `@` would make some other URL of a string that is no address. */
const IPV6_CHARACTERS = /^[0-9a-f:.]+$/i;
/** `::a.b.c.d`, the deprecated IPv4-compatible form, which ipaddr.js read as IPv4-mapped. */
const IPV4_COMPATIBLE = /^::(?=[^:]*\.)/;

/**
 * The eight 16-bit groups of an IPv6 address (zone id dropped), parsed by the WHATWG URL host
 * parser (Node's own, the one every URL goes through); null if it is none. Its canonical form
 * (lower case, IPv4 tail as hex groups, one `::`) only needs the `::` spelled out.
 */
function ipv6Groups(text: string): number[] | null {
  const address = text.replace(ZONE_ID, '').replace(IPV4_COMPATIBLE, '::ffff:');
  if (!IPV6_CHARACTERS.test(address)) return null;
  let host: string;
  try {
    host = new URL(`http://[${address}]`).hostname;
  } catch {
    return null;
  }
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const [head, tail] = host.slice(1, -1).split('::') as [string, string | undefined];
  if (tail === undefined) return groupsOf(head);
  const front = groupsOf(head);
  const back = groupsOf(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** The /48 of `a:b:c::/48` in RFC 5952 form (lower case, no leading zeros, the longest zero run as `::`), as the URL serializer writes it. */
function rfc5952PrefixOf48(a: number, b: number, c: number): string {
  return new URL(`http://[${a.toString(16)}:${b.toString(16)}:${c.toString(16)}::]`).hostname.slice(1, -1);
}
