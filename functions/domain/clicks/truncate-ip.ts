import ipaddr from 'ipaddr.js';

/**
 * Truncates a visitor's IP before it is stored anywhere: IPv4 keeps its /24 (last octet zeroed),
 * IPv6 keeps its /48 (last 80 bits zeroed). An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is
 * treated as the IPv4 address it carries. Returns `null` for anything that is not an IP, so a
 * malformed header can never be stored verbatim.
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
  if (!ipaddr.isValid(candidate)) return null;
  let address = ipaddr.parse(candidate);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  if (address.kind() === 'ipv4') {
    const octets = (address as ipaddr.IPv4).octets.slice();
    octets[3] = 0;
    return octets.join('.');
  }
  const parts = (address as ipaddr.IPv6).parts.slice();
  // 16-bit parts: keep the first three (48 bits), zero the remaining five (80 bits).
  for (let index = 3; index < 8; index += 1) parts[index] = 0;
  return new ipaddr.IPv6(parts).toRFC5952String();
}
