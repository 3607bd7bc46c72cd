/**
 * Retention SQL (docs/operations.md): each statement handles one bounded batch, so a run never
 * holds long locks; the job loops until a batch comes back short. Money is never removed here:
 * conversions, touches' partner and value, payouts, payout_events, adjustments and audit_logs are
 * kept 7 years (financial records), so the reconciliation still holds after a run.
 */
import type { SqlExecutor } from '../ports/sql-executor.js';

type Batch = (sql: SqlExecutor, args: { cutoff: string; limit: number }) => Promise<number>;

async function count(sql: SqlExecutor, text: string, args: { cutoff: string; limit: number }): Promise<number> {
  return (await sql.query(text, { cutoff: args.cutoff, limit: args.limit })).rowCount;
}

/** Clicks older than the cutoff (conversions and touches keep their money; their click_id becomes NULL). */
export const deleteOldClicks: Batch = (sql, args) =>
  count(sql, `DELETE FROM clicks WHERE click_id IN (
     SELECT click_id FROM clicks WHERE clicked_at < :cutoff::timestamptz ORDER BY click_id LIMIT :limit::integer)`, args);

/**
 * Touches older than the cutoff lose what ties them to a person (click, cookie, lead, journey
 * metadata) but keep partner, version, type and value: they are the commission ledger
 * (touches = commission) and stay with their conversion for 7 years.
 */
export const detachOldTouches: Batch = (sql, args) =>
  count(sql, `UPDATE touches SET click_id = NULL, cookie_id = NULL, lead_id = NULL,
                    metadata = jsonb_strip_nulls(jsonb_build_object('weight', metadata -> 'weight', 'weight_share', metadata -> 'weight_share', 'retained', true))
     WHERE touch_id IN (
       SELECT touch_id FROM touches WHERE occurred_at < :cutoff::timestamptz
         AND (click_id IS NOT NULL OR cookie_id IS NOT NULL OR lead_id IS NOT NULL OR NOT (metadata ? 'retained'))
       ORDER BY touch_id LIMIT :limit::integer)`, args);

/** Funnel journeys whose last event is older than the cutoff (conversions keep their money; their journey id becomes NULL). */
export const deleteOldJourneys: Batch = (sql, args) =>
  count(sql, `DELETE FROM funnel_journeys WHERE funnel_journey_id IN (
     SELECT funnel_journey_id FROM funnel_journeys WHERE last_event_at < :cutoff::timestamptz ORDER BY funnel_journey_id LIMIT :limit::integer)`, args);

/** Cookies expired before the cutoff and no longer referenced by a journey. */
export const deleteExpiredCookies: Batch = (sql, args) =>
  count(sql, `DELETE FROM cookies WHERE cookie_id IN (
     SELECT c.cookie_id FROM cookies c WHERE c.expires_at < :cutoff::timestamptz
       AND NOT EXISTS (SELECT 1 FROM funnel_journeys j WHERE j.cookie_id = c.cookie_id)
     ORDER BY c.expires_at LIMIT :limit::integer)`, args);

/** Masks click IPs older than the cutoff to their /24 (IPv4) or /48 (IPv6) network. */
export const anonymiseClickIps: Batch = (sql, args) =>
  count(sql, `WITH batch AS (
       SELECT click_id, set_masklen(network(set_masklen(ip_address, CASE WHEN family(ip_address) = 4 THEN 24 ELSE 48 END)),
                                    CASE WHEN family(ip_address) = 4 THEN 32 ELSE 128 END) AS masked
       FROM clicks WHERE clicked_at < :cutoff::timestamptz AND ip_address IS NOT NULL
         AND ip_address <> set_masklen(network(set_masklen(ip_address, CASE WHEN family(ip_address) = 4 THEN 24 ELSE 48 END)),
                                       CASE WHEN family(ip_address) = 4 THEN 32 ELSE 128 END)
       ORDER BY click_id LIMIT :limit::integer)
     UPDATE clicks c SET ip_address = b.masked FROM batch b WHERE c.click_id = b.click_id`, args);

/** Runs `batch` until it returns fewer than `limit` rows (or `maxBatches`); returns the rows touched. */
export async function inBatches(sql: SqlExecutor, batch: Batch, args: { cutoff: string; limit: number; maxBatches: number }): Promise<number> {
  let total = 0;
  for (let i = 0; i < args.maxBatches; i += 1) {
    const n = await batch(sql, args);
    total += n;
    if (n < args.limit) break;
  }
  return total;
}
