import type { LinkItem, LinkStore } from '../../ports/link-store.js';

export interface CachedLinkStoreOptions {
  store: LinkStore;
  /** The clock; tests pass a fixed one. */
  now: () => Date;
  /** How long a found link is served from memory. A paused link keeps redirecting at most this long. */
  ttlMs?: number;
  /** How long a miss is remembered, so a flood on an unknown code costs one read per period. */
  missTtlMs?: number;
  /** Least-recently-used entries beyond this are evicted. */
  maxEntries?: number;
}

interface Entry {
  item: LinkItem | undefined;
  expiresAt: number;
}

/**
 * The warm Lambda's link cache: a small LRU with a short TTL in front of the link store, so most
 * clicks need no DynamoDB read. Misses are cached too, more briefly. Concurrent lookups of the
 * same code share one read. Writes go through to the store and drop the cached entry.
 */
export function createCachedLinkStore({
  store,
  now,
  ttlMs = 30_000,
  missTtlMs = 5_000,
  maxEntries = 1_000,
}: CachedLinkStoreOptions): LinkStore & { clear(): void; readonly size: number } {
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<LinkItem | undefined>>();

  function remember(shortCode: string, item: LinkItem | undefined): void {
    entries.delete(shortCode);
    entries.set(shortCode, { item, expiresAt: now().getTime() + (item ? ttlMs : missTtlMs) });
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
  }

  return {
    async get(shortCode) {
      const entry = entries.get(shortCode);
      if (entry && entry.expiresAt > now().getTime()) {
        // Refresh recency: Map iteration order is insertion order.
        entries.delete(shortCode);
        entries.set(shortCode, entry);
        return entry.item;
      }
      const pending = inFlight.get(shortCode);
      if (pending) return pending;
      const read = store
        .get(shortCode)
        .then((item) => {
          remember(shortCode, item);
          return item;
        })
        .finally(() => inFlight.delete(shortCode));
      inFlight.set(shortCode, read);
      return read;
    },
    async put(item) {
      await store.put(item);
      // Forget rather than remember: the store may have kept a newer item than this one.
      entries.delete(item.short_code);
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
