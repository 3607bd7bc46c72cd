import { describe, expect, it } from 'vitest';
import { buildLinkDestination } from '../../../../functions/domain/links/build-link-destination.js';
import { validateDestinationUrl } from '../../../../functions/domain/links/validate-destination-url.js';

const SHOP = 'https://shop.example.com/summer';

describe('buildLinkDestination', () => {
  it('merges the parameters into an acceptable destination', () => {
    const result = buildLinkDestination({ destinationUrl: SHOP, utmParams: { utm_source: 'blog' }, customParams: { placement: 'hero', next: '2' } });
    expect(result.ok && result.url.toString()).toBe('https://shop.example.com/summer?placement=hero&next=2&utm_source=blog');
  });

  it.each<[{ utmParams?: Record<string, string>; customParams?: Record<string, string> }, Record<string, string>]>([
    [{ utmParams: { utm_source: 'https://evil.example.net/' } }, { kind: 'utm_params', name: 'utm_source' }],
    [{ utmParams: { utm_content: '//evil.example.net' } }, { kind: 'utm_params', name: 'utm_content' }],
    [{ customParams: { next: 'https://evil.example.net/' } }, { kind: 'custom_params', name: 'next' }],
    [{ customParams: { redirect: 'javascript:alert(1)' } }, { kind: 'custom_params', name: 'redirect' }],
    [{ customParams: { banner: 'http://cdn.example.org/x.png' } }, { kind: 'custom_params', name: 'banner' }],
    [{ customParams: Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`p${i}`, 'x'.repeat(400)])) }, { kind: 'parameters' }],
  ])('refuses %j and names the field, exactly when the bare check of the merged URL refuses it', (params, field) => {
    const result = buildLinkDestination({ destinationUrl: SHOP, ...params });
    expect(result).toMatchObject({ ok: false, field });
    // One rule: what the redirect's check of the stored full URL would say.
    const merged = new URL(SHOP);
    for (const [k, v] of Object.entries({ ...params.customParams, ...params.utmParams })) merged.searchParams.set(k, v);
    expect(validateDestinationUrl(merged.toString()).ok).toBe(false);
  });

  it('refuses a bad destination itself as the destination', () => {
    expect(buildLinkDestination({ destinationUrl: 'javascript:alert(1)' })).toMatchObject({ ok: false, field: { kind: 'destination' } });
    expect(buildLinkDestination({ destinationUrl: 'https://shop.example.com/?url=https://evil.example.net' })).toMatchObject({
      ok: false,
      field: { kind: 'destination' },
    });
  });
});
