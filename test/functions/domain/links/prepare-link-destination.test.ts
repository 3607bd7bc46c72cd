import fc from 'fast-check';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { buildClick } from '../../../../functions/domain/clicks/build-click.js';
import { buildDestinationUrl } from '../../../../functions/domain/links/build-destination-url.js';
import { buildLinkDestination } from '../../../../functions/domain/links/build-link-destination.js';
import { prepareLinkDestination } from '../../../../functions/domain/links/prepare-link-destination.js';
import type { LinkItem } from '../../../../functions/ports/link-store.js';

/** What the redirect built on every request before the destination was prepared once per link. */
function builtPerRequest(input: { destinationUrl: string; utmParams: Record<string, string>; customParams: Record<string, string>; cookieWindowDays: number }, clickId?: string) {
  const checked = buildLinkDestination(input);
  if (!checked.ok) return undefined;
  return clickId === undefined
    ? buildDestinationUrl({ destinationUrl: checked.url })
    : buildDestinationUrl({ destinationUrl: checked.url, clickId, cookieWindowDays: input.cookieWindowDays });
}

const destinations = [
  'https://shop.example.com/spring?ref=home',
  'https://shop.example.com/spring',
  'https://shop.example.com/?',
  'https://shop.example.com/p?id=42&utm_source=old&utm_source=older&color=red#reviews',
  'https://shop.example.com/p?aff_click_id=forged&aff_cw=999&x=1',
  'https://shop.example.com/p?q=a%20b+c&emoji=%F0%9F%98%80#frag?x=1',
  'https://shop.example.com/p?aff_click_id=aff0click0id0placeholder0d3c1b9e',
  // The placeholder the prepared URL is built around, already in the destination: the splice must not land there.
  'https://shop.example.com/p?x=aff0click0id0placeholder0d3c1b9e',
  'http://xn--bcher-kva.example:8080/caf%C3%A9/?a=1&&b',
  'https://shop.example.com/path with space',
  'javascript:alert(1)',
];

const parameterNames = fc.constantFrom('utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'placement', 'aff_click_id', 'aff_cw', 'ref', '', 'a b', 'ü');
const parameterValues = fc.oneof(fc.constantFrom('partner_blog', 'a b&c=d', 'https://elsewhere.example', 'x'.repeat(300), '', 'ü€'), fc.string({ maxLength: 12 }));
const parameters = fc.dictionary(parameterNames, parameterValues, { maxKeys: 4 });
const clickIds = fc.oneof(
  fc.constant(null).map(() => uuidv7()),
  fc.constant(null).map(() => uuidv4()),
  fc.constantFrom('c1', 'a b', 'x&y=z', 'aff0click0id0placeholder0d3c1b9e', '', 'é', '*._-', '%41'),
  fc.string({ maxLength: 40 }),
);

describe('prepareLinkDestination', () => {
  it('gives, for every link and click id, exactly the URLs buildDestinationUrl builds per request, or the same refusal', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...destinations),
        parameters,
        parameters,
        fc.integer({ min: -3, max: 400 }),
        fc.array(clickIds, { minLength: 1, maxLength: 4 }),
        (destinationUrl, utmParams, customParams, cookieWindowDays, ids) => {
          const input = { destinationUrl, utmParams, customParams, cookieWindowDays };
          const prepared = prepareLinkDestination(input);
          const checked = buildLinkDestination(input);
          expect(prepared.ok).toBe(checked.ok);
          if (!prepared.ok || !checked.ok) {
            if (!prepared.ok && !checked.ok) expect(prepared.reason).toBe(checked.reason);
            return;
          }
          expect(prepared.destination.withoutClick).toBe(builtPerRequest(input));
          for (const id of ids) expect(prepared.destination.withClick(id)).toBe(builtPerRequest(input, id));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("records the same UTM values as reading them from the click's final URL", () => {
    const link: LinkItem = {
      short_code: 'spring1',
      partner_link_id: 1,
      campaign_partner_id: 1,
      partner_id: 1,
      vendor_id: 1,
      campaign_id: 1,
      campaign_version_id: 1,
      destination_url: 'https://shop.example.com/spring?utm_source=old&utm_term=shoes',
      utm_params: { utm_source: 'partner_blog', utm_medium: 'referral', utm_campaign: 'x'.repeat(300) },
      custom_params: { utm_content: 'hero banner' },
      cookie_duration_days: 30,
      status: 'active',
      updated_at: '2024-01-01T00:00:00.000Z',
    };
    const prepared = prepareLinkDestination({
      destinationUrl: link.destination_url,
      utmParams: link.utm_params,
      customParams: link.custom_params,
      cookieWindowDays: link.cookie_duration_days,
    });
    if (!prepared.ok) throw new Error(prepared.reason);
    const clickId = uuidv7();
    const common = { link, facts: { sourceIp: '203.0.113.9', userAgent: 'Mozilla/5.0', referrer: null, viewerCountry: 'DE' }, clickId, cookieId: uuidv4(), now: new Date('2026-12-04T12:00:00.000Z') };
    const fromUrl = buildClick({ ...common, destination: new URL(prepared.destination.withClick(clickId)) });
    const fromPrepared = buildClick({ ...common, destination: prepared.destination.utm });
    expect(fromPrepared).toEqual(fromUrl);
    expect(fromPrepared.utm_source).toBe('partner_blog');
    expect(fromPrepared.utm_term).toBe('shoes');
    expect(fromPrepared.utm_content).toBe('hero banner');
    expect(fromPrepared.utm_campaign).toHaveLength(255);
  });
});
