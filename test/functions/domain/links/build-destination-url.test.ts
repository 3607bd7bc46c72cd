import { describe, expect, it } from 'vitest';
import { buildDestinationUrl } from '../../../../functions/domain/links/build-destination-url.js';

describe('buildDestinationUrl', () => {
  it('appends UTM, custom parameters and the click id to a destination without a query', () => {
    const url = buildDestinationUrl({
      destinationUrl: 'https://shop.example.com/spring',
      utmParams: { utm_source: 'blog', utm_medium: 'referral' },
      customParams: { placement: 'hero' },
      clickId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b',
    });
    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe('https://shop.example.com/spring');
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      placement: 'hero',
      utm_source: 'blog',
      utm_medium: 'referral',
      aff_click_id: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b',
    });
  });

  it('keeps existing parameters and replaces duplicates with ours (every occurrence)', () => {
    const url = buildDestinationUrl({
      destinationUrl: 'https://shop.example.com/p?id=42&utm_source=old&utm_source=older&color=red#reviews',
      utmParams: { utm_source: 'partner' },
      clickId: 'c1',
    });
    const parsed = new URL(url);
    expect(parsed.searchParams.getAll('utm_source')).toEqual(['partner']);
    expect(parsed.searchParams.get('id')).toBe('42');
    expect(parsed.searchParams.get('color')).toBe('red');
    expect(parsed.searchParams.get('aff_click_id')).toBe('c1');
    expect(parsed.hash).toBe('#reviews');
  });

  it('lets UTM beat custom parameters and nothing override the click id', () => {
    const url = buildDestinationUrl({
      destinationUrl: 'https://shop.example.com/?aff_click_id=forged',
      customParams: { utm_campaign: 'custom', aff_click_id: 'custom-forged' },
      utmParams: { utm_campaign: 'utm' },
      clickId: 'real',
    });
    const parsed = new URL(url);
    expect(parsed.searchParams.getAll('utm_campaign')).toEqual(['utm']);
    expect(parsed.searchParams.getAll('aff_click_id')).toEqual(['real']);
  });

  it('encodes values and adds no click id when none is given (bots, HEAD)', () => {
    const url = buildDestinationUrl({
      destinationUrl: 'https://shop.example.com/',
      customParams: { note: 'a b&c=d' },
    });
    expect(url).toBe('https://shop.example.com/?note=a+b%26c%3Dd');
  });

  it('sends the cookie window (aff_cw, whole days) with the click id only, and nothing overrides it', () => {
    const clicked = new URL(
      buildDestinationUrl({ destinationUrl: 'https://shop.example.com/?aff_cw=365', customParams: { aff_cw: '999' }, clickId: 'c1', cookieWindowDays: 7 }),
    );
    expect(clicked.searchParams.getAll('aff_cw')).toEqual(['7']);
    // A bot or a HEAD gets no click id, so no window either.
    expect(buildDestinationUrl({ destinationUrl: 'https://shop.example.com/', cookieWindowDays: 7 })).toBe('https://shop.example.com/');
  });
});
