/**
 * Retention SQL (docs/privacy-and-retention.md): each statement handles one bounded batch, so a
 * run never holds long locks; the job loops until a batch comes back short. Money goes only as a
 * whole: a payout with all its events, a conversion with its touches, snapshots and adjustments,
 * and only once nothing kept still refers to it, so the reconciliation holds after every batch.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

/** One bounded batch of a retention age: rows older than `cutoff`, at most `limit`; returns the rows touched. */
export type RetentionBatch = (sql: SqlExecutor, args: { cutoff: string; limit: number }) => Promise<number>;

async function count(sql: SqlExecutor, text: string, args: { cutoff: string; limit: number }): Promise<number> {
  return (await sql.query(text, { cutoff: args.cutoff, limit: args.limit })).rowCount;
}

/** Clicks older than the cutoff (conversions and touches keep their money; their click_id becomes NULL). */
export const deleteOldClicks: RetentionBatch = (sql, args) =>
  count(sql, `DELETE FROM clicks WHERE click_id IN (
     SELECT click_id FROM clicks WHERE clicked_at < :cutoff::timestamptz ORDER BY click_id LIMIT :limit::integer)`, args);

/**
 * Touches older than the cutoff lose what ties them to a person (click, cookie, lead, journey
 * metadata) but keep partner, version, type and value: they are the commission ledger
 * (touches = commission) and stay with their conversion for 7 years.
 */
export const detachOldTouches: RetentionBatch = (sql, args) =>
  count(sql, `UPDATE touches SET click_id = NULL, cookie_id = NULL, lead_id = NULL,
                    metadata = jsonb_strip_nulls(jsonb_build_object('weight', metadata -> 'weight', 'weight_share', metadata -> 'weight_share', 'retained', true))
     WHERE touch_id IN (
       SELECT touch_id FROM touches WHERE occurred_at < :cutoff::timestamptz
         AND (click_id IS NOT NULL OR cookie_id IS NOT NULL OR lead_id IS NOT NULL OR NOT (metadata ? 'retained'))
       ORDER BY touch_id LIMIT :limit::integer)`, args);

/** Funnel journeys whose last event is older than the cutoff (conversions keep their money; their journey id becomes NULL). */
export const deleteOldJourneys: RetentionBatch = (sql, args) =>
  count(sql, `DELETE FROM funnel_journeys WHERE funnel_journey_id IN (
     SELECT funnel_journey_id FROM funnel_journeys WHERE last_event_at < :cutoff::timestamptz ORDER BY funnel_journey_id LIMIT :limit::integer)`, args);

/** Cookies expired before the cutoff and no longer referenced by a journey. */
export const deleteExpiredCookies: RetentionBatch = (sql, args) =>
  count(sql, `DELETE FROM cookies WHERE cookie_id IN (
     SELECT c.cookie_id FROM cookies c WHERE c.expires_at < :cutoff::timestamptz
       AND NOT EXISTS (SELECT 1 FROM funnel_journeys j WHERE j.cookie_id = c.cookie_id)
     ORDER BY c.expires_at LIMIT :limit::integer)`, args);

/** Masks click IPs older than the cutoff to their /24 (IPv4) or /48 (IPv6) network. */
export const anonymiseClickIps: RetentionBatch = (sql, args) =>
  count(sql, `WITH batch AS (
       SELECT click_id, set_masklen(network(set_masklen(ip_address, CASE WHEN family(ip_address) = 4 THEN 24 ELSE 48 END)),
                                    CASE WHEN family(ip_address) = 4 THEN 32 ELSE 128 END) AS masked
       FROM clicks WHERE clicked_at < :cutoff::timestamptz AND ip_address IS NOT NULL
         AND ip_address <> set_masklen(network(set_masklen(ip_address, CASE WHEN family(ip_address) = 4 THEN 24 ELSE 48 END)),
                                       CASE WHEN family(ip_address) = 4 THEN 32 ELSE 128 END)
       ORDER BY click_id LIMIT :limit::integer)
     UPDATE clicks c SET ip_address = b.masked FROM batch b WHERE c.click_id = b.click_id`, args);

/**
 * Completed, failed or cancelled (soft-deleted) payouts created before the cutoff, with their events and the adjustments
 * netted into them, when every conversion they pay is itself older than `conversionCutoff` (so a
 * kept conversion never loses the payout that paid it). Pending and processing payouts are money
 * in flight and stay. One statement: children and parent go together.
 */
export async function purgeOldPayouts(sql: SqlExecutor, args: { cutoff: string; conversionCutoff: string; limit: number }): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `WITH doomed AS (
       SELECT p.payout_id FROM payouts p
       WHERE p.created_at < :cutoff::timestamptz AND (p.status IN ('completed', 'failed') OR p.is_deleted IS TRUE)
         AND NOT EXISTS (SELECT 1 FROM payout_events pe JOIN conversion_events ce ON ce.conversion_event_id = pe.conversion_event_id
                         WHERE pe.payout_id = p.payout_id AND ce.occurred_at >= :conversion_cutoff::timestamptz)
         AND NOT EXISTS (SELECT 1 FROM commission_adjustments a JOIN conversion_events ce ON ce.conversion_event_id = a.conversion_event_id
                         WHERE a.payout_id = p.payout_id AND ce.occurred_at >= :conversion_cutoff::timestamptz)
       ORDER BY p.payout_id LIMIT :limit::integer
       FOR UPDATE OF p SKIP LOCKED
     ),
     adjustments AS (DELETE FROM commission_adjustments a USING doomed d WHERE a.payout_id = d.payout_id RETURNING 1),
     events AS (DELETE FROM payout_events pe USING doomed d WHERE pe.payout_id = d.payout_id RETURNING 1),
     payouts_deleted AS (
       -- Data-modifying CTEs all run, referenced or not; the foreign keys are checked at the end of the statement.
       DELETE FROM payouts p USING doomed d WHERE p.payout_id = d.payout_id RETURNING p.payout_id
     )
     SELECT COUNT(*)::integer AS n FROM payouts_deleted`,
    { cutoff: args.cutoff, conversion_cutoff: args.conversionCutoff, limit: args.limit },
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Settled conversions (paid or rejected) that occurred before the cutoff and that no payout
 * still holds (their payouts went first, by age, with the adjustments netted into them), with
 * their touches and commission snapshots. Pending and approved conversions are money still owed and stay.
 */
export const purgeOldConversions: RetentionBatch = async (sql, args) => {
  const { rows } = await sql.query<{ n: number }>(
    `WITH doomed AS (
       SELECT ce.conversion_event_id FROM conversion_events ce
       WHERE ce.occurred_at < :cutoff::timestamptz AND ce.status IN ('paid', 'rejected')
         AND NOT EXISTS (SELECT 1 FROM payout_events pe WHERE pe.conversion_event_id = ce.conversion_event_id)
         -- An adjustment left is a clawback held by a kept payout or not netted yet: still money.
         AND NOT EXISTS (SELECT 1 FROM commission_adjustments a WHERE a.conversion_event_id = ce.conversion_event_id)
       ORDER BY ce.conversion_event_id LIMIT :limit::integer
       FOR UPDATE OF ce SKIP LOCKED
     ),
     touches_deleted AS (DELETE FROM touches t USING doomed d WHERE t.conversion_event_id = d.conversion_event_id RETURNING 1),
     snapshots_deleted AS (DELETE FROM event_commission_snapshots s USING doomed d WHERE s.conversion_event_id = d.conversion_event_id RETURNING 1),
     conversions_deleted AS (
       DELETE FROM conversion_events ce USING doomed d WHERE ce.conversion_event_id = d.conversion_event_id RETURNING ce.conversion_event_id
     )
     SELECT COUNT(*)::integer AS n FROM conversions_deleted`,
    { cutoff: args.cutoff, limit: args.limit },
  );
  return Number(rows[0]?.n ?? 0);
};

/**
 * Audit rows created before the cutoff. The insert-only trigger lets a DELETE through only for
 * rows older than `app.audit_purge_before`, set here for this transaction alone (SET LOCAL).
 */
export const purgeOldAuditLogs: RetentionBatch = (sql, args) =>
  sql.transaction(async (tx) => {
    await tx.query(`SELECT set_config('app.audit_purge_before', :cutoff, true)`, { cutoff: toSqlTimestamp(args.cutoff) });
    return count(tx, `DELETE FROM audit_logs WHERE audit_log_id IN (
       SELECT audit_log_id FROM audit_logs WHERE created_at < :cutoff::timestamptz ORDER BY audit_log_id LIMIT :limit::integer)`, args);
  });

/** Inbound webhook dedupe rows received before the cutoff (providers stop redelivering within days). */
export const deleteOldWebhookDeliveries: RetentionBatch = (sql, args) =>
  count(sql, `DELETE FROM webhook_deliveries WHERE (provider, provider_event_id) IN (
     SELECT provider, provider_event_id FROM webhook_deliveries WHERE received_at < :cutoff::timestamptz
     ORDER BY received_at LIMIT :limit::integer)`, args);

/** Outbound notification records created before the cutoff; pending ones are still being retried and stay. */
export const deleteOldNotificationDeliveries: RetentionBatch = (sql, args) =>
  count(sql, `DELETE FROM notification_deliveries WHERE notification_id IN (
     SELECT notification_id FROM notification_deliveries WHERE created_at < :cutoff::timestamptz AND status <> 'pending'
     ORDER BY created_at LIMIT :limit::integer)`, args);

/** Unattributed conversions received before the cutoff lose their raw payload (it may hold a customer's email); the row stays for reports. */
export const clearOldUnattributedPayloads: RetentionBatch = (sql, args) =>
  count(sql, `UPDATE unattributed_conversions SET payload = NULL WHERE unattributed_conversion_id IN (
     SELECT unattributed_conversion_id FROM unattributed_conversions WHERE received_at < :cutoff::timestamptz AND payload IS NOT NULL
     ORDER BY unattributed_conversion_id LIMIT :limit::integer)`, args);

/** Unattributed conversions received before the cutoff (the conversions' age: they are conversion records no partner earned). */
export const deleteOldUnattributedConversions: RetentionBatch = (sql, args) =>
  count(sql, `DELETE FROM unattributed_conversions WHERE unattributed_conversion_id IN (
     SELECT unattributed_conversion_id FROM unattributed_conversions WHERE received_at < :cutoff::timestamptz
     ORDER BY unattributed_conversion_id LIMIT :limit::integer)`, args);

/** Web sessions that ended (idle, revoked, or at their absolute expiry) before the cutoff: they hold an address and an IP. */
export const deleteEndedWebSessions: RetentionBatch = (sql, args) =>
  count(sql, `DELETE FROM web_sessions WHERE web_session_id IN (
     SELECT web_session_id FROM web_sessions WHERE LEAST(idle_expires_at, COALESCE(revoked_at, idle_expires_at)) < :cutoff::timestamptz
     ORDER BY web_session_id LIMIT :limit::integer)`, args);

/** Sign-in links expired before the cutoff, once no session refers to them (sessions go first). */
export const deleteExpiredSignInLinks: RetentionBatch = (sql, args) =>
  count(sql, `DELETE FROM auth_tokens WHERE auth_token_id IN (
     SELECT t.auth_token_id FROM auth_tokens t WHERE t.expires_at < :cutoff::timestamptz
       AND NOT EXISTS (SELECT 1 FROM web_sessions s WHERE s.auth_token_id = t.auth_token_id)
     ORDER BY t.auth_token_id LIMIT :limit::integer)`, args);

/** Unsubscribe links minted before the cutoff (each holds the address it stops); the opt-outs recorded through them stay. */
export const deleteOldUnsubscribeLinks: RetentionBatch = (sql, args) =>
  count(sql, `DELETE FROM email_unsubscribe_tokens WHERE token_hash IN (
     SELECT token_hash FROM email_unsubscribe_tokens WHERE created_at < :cutoff::timestamptz ORDER BY created_at LIMIT :limit::integer)`, args);

/** Job runs started before the cutoff (schema/0016_job_runs.sql): the console shows recent runs; older ones are history nobody reads. */
export const deleteOldJobRuns: RetentionBatch = (sql, args) =>
  count(sql, `DELETE FROM job_runs WHERE job_run_id IN (
     SELECT job_run_id FROM job_runs WHERE started_at < :cutoff::timestamptz ORDER BY job_run_id LIMIT :limit::integer)`, args);

/** `2026-03-01T12:00:00.000Z` as PostgreSQL reads a TIMESTAMP in UTC sessions (no zone suffix). */
function toSqlTimestamp(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, '');
}
