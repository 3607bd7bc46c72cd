import { describe, expect, it } from 'vitest';
import { createInMemoryClickQueue, createInMemoryClickStore, createInMemoryLinkStore } from '../../../bench/redirect-in-memory-adapters.js';
import { buildDestinationUrl } from '../../../functions/domain/links/build-destination-url.js';
import { buildLinkDestination } from '../../../functions/domain/links/build-link-destination.js';
import { createCachedLinkStore } from '../../../functions/domain/links/create-cached-link-store.js';
import { createRedirect, type RedirectEvent } from '../../../functions/handlers/redirect.js';
import type { LinkItem } from '../../../functions/ports/link-store.js';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

// Each visit from its own /24: the repeat check truncates the address.
function visit(shortCode: string, ip: string, userAgent = CHROME): RedirectEvent {
  return {
    version: '2.0',
    routeKey: 'GET /{short_code}',
    rawPath: `/${shortCode}`,
    rawQueryString: '',
    headers: { 'user-agent': userAgent },
    pathParameters: { short_code: shortCode },
    requestContext: { http: { method: 'GET', path: `/${shortCode}`, protocol: 'HTTP/1.1', sourceIp: ip, userAgent } },
  } as unknown as RedirectEvent;
}

function item(overrides: Partial<LinkItem> = {}): LinkItem {
  return {
    short_code: 'spring24',
    partner_link_id: 11,
    campaign_partner_id: 7,
    partner_id: 3,
    vendor_id: 1,
    campaign_id: 2,
    campaign_version_id: 5,
    destination_url: 'https://shop.example.com/running?ref=home&utm_source=old#top',
    utm_params: { utm_source: 'partner_blog', utm_medium: 'referral' },
    custom_params: { placement: 'hero banner' },
    cookie_duration_days: 30,
    status: 'active',
    updated_at: '2024-03-01T00:00:00.000Z',
    ...overrides,
  };
}

/** Where the redirect sent a click before destinations were prepared once per link. */
function expectedLocation(link: LinkItem, clickId: string): string {
  const checked = buildLinkDestination({ destinationUrl: link.destination_url, utmParams: link.utm_params, customParams: link.custom_params });
  if (!checked.ok) throw new Error(checked.reason);
  return buildDestinationUrl({ destinationUrl: checked.url, clickId, cookieWindowDays: link.cookie_duration_days });
}

describe('redirect: the destination prepared once per link', () => {
  it('sends every click of a cached link where the per-request build did, with its UTM values recorded, and follows a changed link', async () => {
    let nowMs = Date.parse('2024-03-15T10:00:00.000Z');
    const link = item();
    const store = createInMemoryLinkStore([link]);
    const queue = createInMemoryClickQueue();
    let minted = 0;
    const redirect = createRedirect({
      links: createCachedLinkStore({ store, now: () => new Date(nowMs), ttlMs: 30_000 }),
      clicks: createInMemoryClickStore(),
      queue,
      config: { publicBaseUrl: 'https://go.example.com', repeatClickWindowSeconds: 3600 },
      now: () => new Date(nowMs),
      // The second id is not a UUID and carries characters the query encodes: the full build serves it.
      newClickId: () => ['0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b', 'click id&x=1', '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c'][minted++]!,
    });

    const first = await redirect(visit('spring24', '198.51.1.10'));
    const second = await redirect(visit('spring24', '198.51.2.10'));
    expect(first.statusCode).toBe(302);
    expect(first.headers?.location).toBe(expectedLocation(link, '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b'));
    expect(second.headers?.location).toBe(expectedLocation(link, 'click id&x=1'));
    expect(new URL(String(second.headers?.location)).searchParams.get('aff_click_id')).toBe('click id&x=1');
    expect(queue.messages.map((message) => [message.utm_source, message.utm_medium, message.utm_campaign])).toEqual([
      ['partner_blog', 'referral', null],
      ['partner_blog', 'referral', null],
    ]);

    // A new version of the link reaches the cache after its TTL: the new destination is served.
    const changed = item({ destination_url: 'https://shop.example.com/sale', utm_params: { utm_campaign: 'sale' }, updated_at: '2024-03-16T00:00:00.000Z' });
    await store.put(changed);
    nowMs += 31_000;
    const third = await redirect(visit('spring24', '198.51.3.10'));
    expect(third.headers?.location).toBe(expectedLocation(changed, '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c'));
    expect(queue.messages[2]?.utm_campaign).toBe('sale');
    expect(queue.messages[2]?.utm_source).toBeNull();
  });

  it('prepares again a link item changed in place, and refuses one changed to a bad destination', async () => {
    const link = item();
    const redirect = createRedirect({
      links: createInMemoryLinkStore([link]),
      clicks: createInMemoryClickStore(),
      queue: createInMemoryClickQueue(),
      config: { publicBaseUrl: 'https://go.example.com', repeatClickWindowSeconds: 3600 },
      now: () => new Date('2024-03-15T10:00:00.000Z'),
      newClickId: () => '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b',
    });
    expect((await redirect(visit('spring24', '198.51.1.10'))).headers?.location).toBe(expectedLocation(link, '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b'));
    link.cookie_duration_days = 7;
    expect((await redirect(visit('spring24', '198.51.2.10'))).headers?.location).toContain('aff_cw=7');
    link.custom_params = { next: 'https://elsewhere.example' };
    expect((await redirect(visit('spring24', '198.51.3.10'))).statusCode).toBe(404);
  });
});
