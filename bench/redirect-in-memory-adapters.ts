/**
 * In-memory link store, click store and click queue with the same semantics as the DynamoDB/SQS
 * adapters (repeat markers that expire, TTL filtering). Used by the redirect benchmark (to measure
 * the platform's own cost without the stand-ins) and by the 10,000-click pipeline test.
 */
import type { ClickMessage } from '../functions/domain/clicks/click-message.js';
import type { ClickQueue } from '../functions/ports/click-queue.js';
import type { ClickStore, StoredClick } from '../functions/ports/click-store.js';
import type { LinkItem, LinkStore } from '../functions/ports/link-store.js';
import type { RequestRateCounter } from '../functions/ports/request-rate-counter.js';

export function createInMemoryLinkStore(items: readonly LinkItem[] = []): LinkStore {
  const byCode = new Map(items.map((item) => [item.short_code, item]));
  return {
    async get(shortCode) {
      return byCode.get(shortCode);
    },
    async put(item) {
      const existing = byCode.get(item.short_code);
      if (!existing || existing.updated_at <= item.updated_at) byCode.set(item.short_code, item);
    },
  };
}

export function createInMemoryClickStore(): ClickStore & { clicks: Map<string, StoredClick> } {
  const clicks = new Map<string, StoredClick>();
  const markers = new Map<string, { clickId: string; cookieId: string; expiresAtEpoch: number }>();
  const epoch = (date: Date) => Math.floor(date.getTime() / 1000);
  return {
    clicks,
    async recordVisit({ shortCode, visitorHash, clickId, cookieId, now, windowSeconds }) {
      if (windowSeconds <= 0) return { firstInWindow: true };
      const key = `visit#${shortCode}#${visitorHash}`;
      const marker = markers.get(key);
      if (marker && !(marker.expiresAtEpoch < epoch(now))) {
        return { firstInWindow: false, clickId: marker.clickId, cookieId: marker.cookieId };
      }
      markers.set(key, { clickId, cookieId, expiresAtEpoch: epoch(now) + windowSeconds });
      return { firstInWindow: true };
    },
    async put(click, { expiresAt }) {
      clicks.set(click.click_id, { ...click, expires_at_epoch: epoch(expiresAt) });
    },
    async get(clickId, now) {
      const click = clicks.get(clickId);
      return click && click.expires_at_epoch > epoch(now) ? click : undefined;
    },
    async listByCookie(cookieId, { now, since, limit = 100 }) {
      return [...clicks.values()]
        .filter((click) => click.cookie_id === cookieId && click.expires_at_epoch > epoch(now))
        .filter((click) => !since || click.clicked_at >= since.toISOString())
        .sort((a, b) => a.clicked_at.localeCompare(b.clicked_at))
        .slice(0, limit);
    },
  };
}

export function createInMemoryClickQueue(): ClickQueue & { messages: ClickMessage[] } {
  const messages: ClickMessage[] = [];
  return {
    messages,
    async send(click) {
      messages.push(click);
    },
  };
}

/** Per-minute counters with the DynamoDB adapter's semantics (keys per link, prefix and minute; the cap). */
export function createInMemoryRequestRateCounter(): RequestRateCounter {
  const buckets = new Map<string, { n: number; visitors: Map<string, number> }>();
  return {
    async count({ shortCode, ipPrefix, visitorHash, now, ipCap }) {
      const key = `${shortCode}#${ipPrefix ?? '-'}#${Math.floor(now.getTime() / 60_000)}`;
      const bucket = buckets.get(key) ?? { n: 0, visitors: new Map<string, number>() };
      buckets.set(key, bucket);
      if (bucket.n > ipCap) return { ip: ipCap + 1, visitor: 0 };
      bucket.n += 1;
      const visitor = (bucket.visitors.get(visitorHash) ?? 0) + 1;
      bucket.visitors.set(visitorHash, visitor);
      return { ip: bucket.n, visitor };
    },
  };
}
