import ipaddr from 'ipaddr.js';

/**
 * True only for globally routable unicast addresses. Everything else (loopback, private,
 * link-local incl. 169.254.169.254 metadata, unique-local, CGNAT, unspecified, multicast,
 * broadcast, reserved, and IPv6 forms embedding an IPv4 address such as `::ffff:127.0.0.1`) is
 * refused: an outbound webhook must never reach the platform's own network (SSRF).
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.parse(address).range() === 'unicast';
}
