import { describe, expect, it } from 'vitest';
import { createCachedLinkStore } from '../../../../functions/domain/links/create-cached-link-store.js';
import type { LinkItem, LinkStore } from '../../../../functions/ports/link-store.js';

function item(shortCode: string, status: LinkItem['status'] = 'active'): LinkItem {
  return {
    short_code: shortCode,
    partner_link_id: 1,
    campaign_partner_id: 1,
    partner_id: 1,
    vendor_id: 1,
    campaign_id: 1,
    campaign_version_id: 1,
    destination_url: 'https://shop.example.com/',
    utm_params: {},
    custom_params: {},
    cookie_duration_days: 30,
    status,
    updated_at: '2024-01-01T00:00:00.000Z',
  };
}

function countingStore(items: Map<string, LinkItem>): LinkStore & { reads: number } {
  const store = {
    reads: 0,
    async get(shortCode: string) {
      store.reads += 1;
      return items.get(shortCode);
    },
    async put(value: LinkItem) {
      items.set(value.short_code, value);
    },
  };
  return store;
}

describe('createCachedLinkStore', () => {
  it('serves hits from memory for the TTL, then reads again', async () => {
    let now = 0;
    const items = new Map([['a', item('a')]]);
    const store = countingStore(items);
    const cache = createCachedLinkStore({ store, now: () => new Date(now), ttlMs: 30_000 });
    expect((await cache.get('a'))?.status).toBe('active');
    items.set('a', item('a', 'inactive'));
    now = 29_999;
    expect((await cache.get('a'))?.status).toBe('active');
    expect(store.reads).toBe(1);
    now = 30_000;
    expect((await cache.get('a'))?.status).toBe('inactive');
    expect(store.reads).toBe(2);
  });

  it('caches misses more briefly and shares concurrent reads', async () => {
    let now = 0;
    const items = new Map<string, LinkItem>();
    const store = countingStore(items);
    const cache = createCachedLinkStore({ store, now: () => new Date(now), missTtlMs: 5_000 });
    await Promise.all([cache.get('x'), cache.get('x'), cache.get('x')]);
    expect(store.reads).toBe(1);
    items.set('x', item('x'));
    now = 4_999;
    expect(await cache.get('x')).toBeUndefined();
    now = 5_000;
    expect(await cache.get('x')).toBeDefined();
    expect(store.reads).toBe(2);
  });

  it('evicts the least recently used entry beyond its size and forgets an entry on write', async () => {
    const items = new Map(['a', 'b', 'c'].map((code) => [code, item(code)]));
    const store = countingStore(items);
    const cache = createCachedLinkStore({ store, now: () => new Date(0), maxEntries: 2 });
    await cache.get('a');
    await cache.get('b');
    await cache.get('a'); // a is now the most recent
    await cache.get('c'); // evicts b
    expect(cache.size).toBe(2);
    const reads = store.reads;
    await cache.get('a');
    expect(store.reads).toBe(reads);
    await cache.get('b');
    expect(store.reads).toBe(reads + 1);
    await cache.put(item('a', 'inactive'));
    expect((await cache.get('a'))?.status).toBe('inactive');
  });
});
