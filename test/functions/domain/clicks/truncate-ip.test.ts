import { describe, expect, it } from 'vitest';
import { truncateIp } from '../../../../functions/domain/clicks/truncate-ip.js';

describe('truncateIp', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0'],
    ['10.1.2.255', '10.1.2.0'],
    [' 198.51.100.9 ', '198.51.100.0'],
    ['::ffff:192.0.2.128', '192.0.2.0'], // IPv4-mapped: treated as the IPv4 it carries
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'], // last 80 bits zeroed
    ['2a00:1450:4001:82b::200e', '2a00:1450:4001::'],
    ['::1', '::'],
  ])('%s -> %s', (ip, truncated) => {
    expect(truncateIp(ip)).toBe(truncated);
  });

  it.each([undefined, null, '', 'not-an-ip', '999.1.1.1', '203.0.113.77:443', '<script>'])('refuses %s', (ip) => {
    expect(truncateIp(ip)).toBeNull();
  });
});
