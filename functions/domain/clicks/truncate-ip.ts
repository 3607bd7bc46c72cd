/**
 * Truncates a visitor's IP before it is stored anywhere: IPv4 keeps its /24 (last octet zeroed),
 * IPv6 keeps its /48 (last 80 bits zeroed). An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is
 * treated as the IPv4 address it carries. Returns `null` for anything that is not an IP, so a
 * malformed header can never be stored verbatim.
 *
 * Accepts exactly what ipaddr.js 2.x (the redirect's parser until 2026-12) accepts, with the same
 * result; a property test holds the two equal. That is: IPv4 also in inet_aton's notations
 * (`127.1`, `0x7f.0.0.1`, octal `010.0.0.1`, one 32-bit number), which the WHATWG URL host
 * parser reads the same way; IPv6 with an optional zone id (`fe80::1%eth0`, dropped), with a
 * dotted IPv4 tail read leniently (leading zeros, `0x` parts), and `::a.b.c.d` read as the mapped
 * `::ffff:a.b.c.d`. Written here rather than imported: the parser library was a tenth of the
 * redirect's bundle beyond its SDK clients.
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
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;
/** A dotted IPv4 tail as ipaddr.js reads it after IPv6 groups: each part decimal (leading zeros allowed) or `0x` hex. */
const IPV4_TAIL = /^(0x[0-9a-f]+|\d+)\.(0x[0-9a-f]+|\d+)\.(0x[0-9a-f]+|\d+)\.(0x[0-9a-f]+|\d+)$/i;

/** The eight 16-bit groups of an IPv6 address (zone id dropped); null if it is none. */
function ipv6Groups(text: string): number[] | null {
  let address = text.replace(ZONE_ID, '');
  const tailAt = address.lastIndexOf(':') + 1;
  const tail = IPV4_TAIL.exec(address.slice(tailAt));
  let tailGroups: number[] = [];
  if (tail) {
    // parseInt without a radix, as ipaddr.js reads these parts: decimal, or hex after `0x`.
    const octets = tail.slice(1, 5).map((part) => parseInt(part!));
    if (!octets.every((octet) => octet <= 255)) return null;
    tailGroups = [(octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!];
    // `::a.b.c.d` (the deprecated IPv4-compatible form) is read as IPv4-mapped.
    const groupsBefore = address.slice(0, tailAt) === '::' ? '::ffff:' : address.slice(0, tailAt);
    // The groups before the tail end with the ':' that separated it, or with '::'.
    address = groupsBefore.endsWith('::') ? groupsBefore : groupsBefore.slice(0, -1);
  }
  const wanted = 8 - tailGroups.length;
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const parsed: number[][] = [];
  for (const half of halves) {
    const groups = half === '' ? [] : half.split(':');
    if (!groups.every((group) => HEX_GROUP.test(group))) return null;
    parsed.push(groups.map((group) => parseInt(group, 16)));
  }
  const [head, rest] = parsed as [number[], number[] | undefined];
  if (rest === undefined) return head.length === wanted ? [...head, ...tailGroups] : null;
  // `::` stands for at least one zero group.
  const zeros = wanted - head.length - rest.length;
  if (zeros < 1) return null;
  return [...head, ...new Array<number>(zeros).fill(0), ...rest, ...tailGroups];
}

/** The /48 of `a:b:c::/48` in RFC 5952 form: lower-case, no leading zeros, the zero run after the kept groups as `::`. */
function rfc5952PrefixOf48(a: number, b: number, c: number): string {
  // Groups 4-8 are zero, so the longest zero run always ends the address and takes in any zero
  // groups right before it; no run among the first three can be longer.
  if (c !== 0) return `${a.toString(16)}:${b.toString(16)}:${c.toString(16)}::`;
  if (b !== 0) return `${a.toString(16)}:${b.toString(16)}::`;
  if (a !== 0) return `${a.toString(16)}::`;
  return '::';
}
