import { describe, expect, it } from 'vitest';
import { buildClick, cookieMaxAgeSeconds, visitorHashFor } from '../../../../functions/domain/clicks/build-click.js';
import { clickMessageSchema } from '../../../../functions/domain/clicks/click-message.js';
import { hashVisitor } from '../../../../functions/domain/clicks/hash-visitor.js';
import { readCountryCode } from '../../../../functions/domain/clicks/read-country-code.js';
import { linkItem } from '../../../support/fixtures/link-item.js';

const link = linkItem({ cookie_duration_days: 14, updated_at: '2024-01-01T00:00:00.000Z' });

const facts = {
  sourceIp: '2001:db8:85a3:8d3:1319:8a2e:370:7348',
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  referrer: 'https://blog.example.org/',
  viewerCountry: 'fr',
};

describe('buildClick', () => {
  it('builds a valid click message with truncated IP, UTM values of the final destination and the cookie window', () => {
    const click = buildClick({
      link,
      facts,
      clickId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b',
      cookieId: '8d0f1c52-3b4a-4f6e-9a1b-2c3d4e5f6a7b',
      destination: new URL('https://shop.example.com/?utm_source=partner&utm_term=shoes&aff_click_id=x'),
      now: new Date('2024-03-15T10:00:00.000Z'),
    });
    expect(clickMessageSchema.parse(click)).toEqual(click);
    expect(click).toMatchObject({
      ip_address: '2001:db8:85a3::',
      country_code: 'FR',
      utm_source: 'partner',
      utm_term: 'shoes',
      utm_medium: null,
      cookie_expires_at: '2024-03-29T10:00:00.000Z',
      device_type: 'desktop',
    });
    expect(click.visitor_hash).toBe(visitorHashFor(facts, 'abc'));
  });

  it('hashes the visitor per link, from the truncated address', () => {
    const a = hashVisitor({ truncatedIp: '203.0.113.0', userAgent: 'ua', shortCode: 'abc' });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(hashVisitor({ truncatedIp: '203.0.113.0', userAgent: 'ua', shortCode: 'abd' })).not.toBe(a);
    expect(visitorHashFor({ ...facts, sourceIp: '203.0.113.5' }, 'abc')).toBe(visitorHashFor({ ...facts, sourceIp: '203.0.113.250' }, 'abc'));
  });

  it('derives Max-Age and reads only two-letter countries', () => {
    expect(cookieMaxAgeSeconds({ cookie_duration_days: 30 })).toBe(2_592_000);
    expect(readCountryCode('de')).toBe('DE');
    expect(readCountryCode('T1X')).toBeNull();
    expect(readCountryCode(undefined)).toBeNull();
  });
});
