/**
 * Writes links through to the hot store after a committed change (a link created or deleted; an
 * enrollment, partner, campaign or vendor changing status): `syncLinks` for the affected items, one
 * retry of the failures, and an `audit_logs` mark (`hot_store_sync_failed`) on what still failed,
 * which the `sync-links` job repairs.
 */
import { silentLogger } from '../platform/silent-telemetry.js';
import type { LinkStore } from '../ports/link-store.js';
import type { Logger } from '../ports/logger.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { writeAuditLog } from '../repositories/governance/audit-logs.js';
import type { LinkSelector } from '../repositories/partners/partner-links.js';
import { syncLinks, type SyncResult } from './sync-links.js';

/**
 * The write-through after a commit: sync, retry the failures once, and mark what still failed
 * for repair. Never throws for a hot-store failure (the change is committed; the job repairs).
 */
export async function writeLinksThrough({
  sql,
  linkStore,
  now,
  selector,
  logger = silentLogger,
}: {
  sql: SqlExecutor;
  linkStore: LinkStore;
  now: Date;
  selector: LinkSelector;
  logger?: Logger;
}): Promise<SyncResult> {
  const first = await syncLinks({ sql, linkStore, now, selector });
  if (first.failed.length === 0) return first;
  const retry = await syncLinks({ sql, linkStore, now, selector: { partner_link_ids: first.failed } });
  const result = { synced: first.synced + retry.synced, failed: retry.failed };
  for (const partnerLinkId of retry.failed) {
    await writeAuditLog(sql, {
      entity_type: 'partner_links',
      entity_id: partnerLinkId,
      action: 'hot_store_sync_failed',
      actor: { actor_type: 'system', actor_id: null, ip_address: null },
      reason: 'DynamoDB link item write failed; repaired by the sync-links job',
      now,
    });
  }
  if (retry.failed.length > 0) {
    logger.warn('link hot-store write failed; marked for repair', { partner_link_ids: retry.failed });
  }
  return result;
}
