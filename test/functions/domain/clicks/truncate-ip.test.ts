import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { truncateIp } from '../../../../functions/domain/clicks/truncate-ip.js';

/**
 * The oracle: `truncateIp` as it was written on ipaddr.js 2.x, the maintained parser the redirect
 * used until its bundle dropped it. ipaddr.js stays a dependency (the notification code uses it),
 * so the new parser is held to the library's own reading of every address.
 */
function truncateIpWithIpaddr(ip: string | undefined | null): string | null {
  if (!ip) return null;
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
  for (let index = 3; index < 8; index += 1) parts[index] = 0;
  return new ipaddr.IPv6(parts).toRFC5952String();
}

describe('truncateIp', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0'],
    ['10.1.2.255', '10.1.2.0'],
    [' 198.51.100.9 ', '198.51.100.0'],
    ['::ffff:192.0.2.128', '192.0.2.0'], // IPv4-mapped: treated as the IPv4 it carries
    ['::FFFF:c000:0280', '192.0.2.0'], // the same, in hex groups
    ['::192.0.2.128', '192.0.2.0'], // the deprecated IPv4-compatible form, read as mapped
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'], // last 80 bits zeroed
    ['2a00:1450:4001:82b::200e', '2a00:1450:4001::'],
    ['2001:0DB8:0000:0001::', '2001:db8::'], // zero groups next to the cut join the `::`
    ['0:0:1::', '0:0:1::'],
    ['fe80::1%eth0', 'fe80::'], // zone id dropped
    ['64:ff9b::192.0.2.33', '64:ff9b::'],
    ['127.1', '127.0.0.0'], // inet_aton notations, as ipaddr.js reads them
    ['0x7f.0.0.1', '127.0.0.0'],
    ['010.0.0.1', '8.0.0.0'],
    ['3232235777', '192.168.1.0'],
    ['::1', '::'],
  ])('%s -> %s', (ip, truncated) => {
    expect(truncateIp(ip)).toBe(truncated);
    expect(truncateIpWithIpaddr(ip)).toBe(truncated);
  });

  it.each([
    undefined,
    null,
    '',
    'not-an-ip',
    '999.1.1.1',
    '203.0.113.77:443',
    '<script>',
    '1.2.3.4.',
    '08.1.1.1',
    '1::2::3',
    '1:2:3:4:5:6:7:8::',
    '1:2:3:4::5:6:7:8', // `::` must stand for at least one group
    'fe80::1%',
    'fe80::1%eth-0',
    '::ffff:1.2.3.256',
    '1.2.\t3.4',
  ])('refuses %s', (ip) => {
    expect(truncateIp(ip)).toBeNull();
    expect(truncateIpWithIpaddr(ip)).toBeNull();
  });
});

describe('truncateIp equals the ipaddr.js-based truncation', () => {
  const hex = (value: number) => value.toString(16);
  const ipv4 = fc.oneof(fc.ipV4(), fc.ipV4Extended());
  const zoneId = fc.oneof(fc.stringMatching(/^%[0-9a-zA-Z]{1,8}$/), fc.constantFrom('%', '%eth-0', '%0.1', '%%1', '%é'));
  // An IPv4 tail in IPv6 text is dotted decimal (RFC 4291 2.2); the extended notations are the
  // near misses' business below.
  const ipv4Tail = fc.ipV4();
  const ipv6 = fc.oneof(
    fc.ipV6(),
    ipv4Tail.map((address) => `::ffff:${address}`),
    ipv4Tail.map((address) => `::${address}`),
    fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 6, maxLength: 6 }), ipv4Tail).map(([groups, address]) => `${groups.map(hex).join(':')}:${address}`),
    // Zero runs anywhere, compressed or spelled out, with leading zeros.
    fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }).chain((groups) =>
      fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.boolean()).map(([from, length, padded]) => {
        const texts = groups.map((group) => (padded ? hex(group).padStart(4, '0') : hex(group)));
        if (length === 0) return texts.join(':');
        return `${texts.slice(0, from).join(':')}::${texts.slice(Math.min(8, from + length)).join(':')}`;
      }),
    ),
  );
  const withZone = fc.tuple(ipv6, fc.option(zoneId, { nil: undefined })).map(([address, zone]) => address + (zone ?? ''));
  const anyCase = (text: fc.Arbitrary<string>) => text.chain((value) => fc.mixedCase(fc.constant(value)));
  const padded = (text: fc.Arbitrary<string>) =>
    fc.tuple(fc.constantFrom('', ' ', '\t', '\n', '\u00a0'), text, fc.constantFrom('', ' ', '\r\n')).map(([before, value, after]) => before + value + after);
  /** An address with one character inserted, removed or replaced: the near misses a parser gets wrong. */
  const mutated = (text: fc.Arbitrary<string>) =>
    fc.tuple(text, fc.nat(), fc.constantFrom('insert', 'remove', 'replace'), fc.constantFrom(...'0123456789abcdefABCDEFxX.:%: g-'.split(''))).map(
      ([value, at, how, character]) => {
        const index = value.length === 0 ? 0 : at % value.length;
        if (how === 'insert') return value.slice(0, index) + character + value.slice(index);
        if (how === 'remove') return value.slice(0, index) + value.slice(index + 1);
        return value.slice(0, index) + character + value.slice(index + 1);
      },
    );
  const alphabetSoup = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFxX.:%'.split('')), maxLength: 45 });

  const addresses: Array<[string, fc.Arbitrary<string>]> = [
    ['IPv4 in every notation', padded(anyCase(ipv4))],
    ['IPv6: compressed, expanded, mapped, compatible, with an IPv4 tail or a zone id', padded(anyCase(withZone))],
  ];
  it.each(addresses)('%s: the same truncation', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (ip) => {
        expect(truncateIp(ip)).toBe(truncateIpWithIpaddr(ip));
      }),
      { numRuns: 5_000 },
    );
  });

  // Where the two may differ, ours is the stricter: an IPv4 tail in IPv6 text spelled in a
  // notation the URL standard refuses (`::ffff:01.2.3.4`, `::0x1.2.3.4`) gives null (nothing
  // stored), never another address.
  const others: Array<[string, fc.Arbitrary<string>]> = [
    ['IPv6 with an IPv4 tail in any inet_aton notation', padded(anyCase(fc.oneof(fc.ipV4Extended().map((address) => `::ffff:${address}`), fc.ipV4Extended().map((address) => `1:2::${address}`))))],
    ['near misses of addresses', mutated(fc.oneof(ipv4, withZone))],
    ['strings of address characters', alphabetSoup],
    ['any string', fc.string({ maxLength: 60 })],
  ];
  it.each(others)('%s: the same truncation, or null for a refused IPv4 tail', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (ip) => {
        const ours = truncateIp(ip);
        const oracle = truncateIpWithIpaddr(ip);
        if (ours !== oracle) {
          expect(ours).toBeNull();
          expect(ip).toMatch(/:[^:]*\./);
        }
      }),
      { numRuns: 5_000 },
    );
  });
});
