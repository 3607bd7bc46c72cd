/**
 * Syncs links to the hot store (the `sync-links` job, and the write-through after a change):
 * rebuilds link items from SQL and puts them into the DynamoDB hot store.
 *
 * After a request commits a change that affects links (a link created or deleted; an enrollment,
 * partner, campaign or vendor changing status; a new campaign version), it rebuilds the affected
 * items from SQL (the system of record) and puts them. If a put fails the request still succeeds
 * (the SQL row is committed), and the link is marked for repair with an `audit_logs` row
 * (`entity_type = 'partner_links'`, `action = 'hot_store_sync_failed'`). The `sync-links` job
 * (`POST /v1/admin/jobs/sync-links`) re-puts marked links, or every link with `{ "all": true }`.
 * Puts are conditional on `updated_at`, so re-running a repair is always safe.
 */
import type { LinkItem, LinkStore } from '../ports/link-store.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { linksMarkedForRepair, loadLinkItems, type LinkSelector } from '../repositories/partners/partner-links.js';

const pageSize = 500;
const putConcurrency = 16;

export interface SyncResult {
  synced: number;
  /** partner_link_ids whose put failed. */
  failed: number[];
}

async function putAll(linkStore: LinkStore, items: LinkItem[]): Promise<SyncResult> {
  const failed: number[] = [];
  let synced = 0;
  for (let i = 0; i < items.length; i += putConcurrency) {
    const batch = items.slice(i, i + putConcurrency);
    const results = await Promise.allSettled(batch.map((item) => linkStore.put(item)));
    results.forEach((result, j) => {
      if (result.status === 'fulfilled') synced += 1;
      else failed.push(batch[j]!.partner_link_id);
    });
  }
  return { synced, failed };
}

/**
 * Rebuilds and puts the link items chosen by `selector`, or (with `since`) those marked for
 * repair since then, or (with `all`) every link. Returns what was written and what failed.
 */
export async function syncLinks({
  sql,
  linkStore,
  now,
  selector,
  since,
  all,
}: {
  sql: SqlExecutor;
  linkStore: LinkStore;
  now: Date;
  selector?: LinkSelector;
  since?: Date;
  all?: boolean;
}): Promise<SyncResult> {
  let effective: LinkSelector;
  if (selector) effective = selector;
  else if (all) effective = {};
  else {
    const ids = await linksMarkedForRepair(sql, { since: since ?? new Date(now.getTime() - 7 * 86_400_000) });
    if (ids.length === 0) return { synced: 0, failed: [] };
    effective = { partner_link_ids: ids };
  }
  const total: SyncResult = { synced: 0, failed: [] };
  let afterId: number | undefined;
  for (;;) {
    const items = await loadLinkItems(sql, { selector: effective, now, after_id: afterId, limit: pageSize });
    if (items.length === 0) break;
    const result = await putAll(linkStore, items);
    total.synced += result.synced;
    total.failed.push(...result.failed);
    afterId = items[items.length - 1]!.partner_link_id;
    if (items.length < pageSize) break;
  }
  return total;
}
