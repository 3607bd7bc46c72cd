/**
 * Conversion approval SQL: the hold-period job (set-based, audit rows in the same statement) and
 * the vendor's single approve/reject. Status moves follow `transitionConversion`
 * (pending -> approved -> paid; pending|approved -> rejected).
 */
import { amountText } from '../../domain/money/amount-text.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface ApprovedConversion extends Record<string, unknown> {
  conversion_event_id: number;
  receipt_id: string;
  vendor_id: number;
  partner_id: number;
  /** In its currency's decimals ("5000" JPY, "10.00" USD). */
  commission_amount: string | null;
  currency: string;
  approved_at: string;
}

/**
 * Approves, in one statement, up to `limit` pending conversions whose version's
 * `approval_hold_days` have passed since `occurred_at`, and writes one `system` audit row each.
 */
export async function approveHeldConversions(sql: SqlExecutor, args: { now: string; limit: number }): Promise<ApprovedConversion[]> {
  const { rows } = await sql.query<ApprovedConversion>(
    `WITH due AS (
       SELECT ce.conversion_event_id
       FROM conversion_events ce JOIN campaign_versions cv ON cv.campaign_version_id = ce.campaign_version_id
       WHERE ce.status = 'pending' AND ce.is_deleted IS NOT TRUE
         AND ce.occurred_at + make_interval(days => cv.approval_hold_days) <= :now::timestamptz
       ORDER BY ce.occurred_at
       LIMIT :limit::integer
       FOR UPDATE OF ce SKIP LOCKED
     ),
     approved AS (
       UPDATE conversion_events ce SET status = 'approved', approved_at = :now::timestamptz
       FROM due WHERE ce.conversion_event_id = due.conversion_event_id AND ce.status = 'pending'
       RETURNING ce.conversion_event_id, ce.receipt_id::text AS receipt_id, ce.vendor_id, ce.partner_id,
                 ce.commission_amount::text AS commission_amount, ce.currency, ce.approved_at
     ),
     audited AS (
       INSERT INTO audit_logs (entity_type, entity_id, action, actor_type, actor_id, changes, reason, created_at)
       SELECT 'conversion_events', a.conversion_event_id, 'approve', 'system', NULL,
              jsonb_build_object('before', jsonb_build_object('status', 'pending'),
                                 'after', jsonb_build_object('status', 'approved'),
                                 'changed_fields', jsonb_build_array('status')),
              'approval hold period elapsed', :now::timestamptz
       FROM approved a
       RETURNING entity_id
     )
     SELECT a.*, (SELECT COUNT(*) FROM audited)::integer AS audited FROM approved a ORDER BY a.conversion_event_id`,
    { now: args.now, limit: args.limit },
  );
  return rows.map((row) => ({ ...row, commission_amount: amountText(row.commission_amount, row.currency) }));
}

export interface ReviewConversion extends Record<string, unknown> {
  conversion_event_id: number;
  receipt_id: string;
  vendor_id: number;
  partner_id: number;
  status: 'pending' | 'approved' | 'rejected' | 'paid';
  commission_amount: string | null;
  currency: string;
  approved_at: string | null;
  rejected_at: string | null;
  rejection_reason: string | null;
}

export async function findConversionForReview(
  sql: SqlExecutor,
  args: { vendorId: number; conversionEventId?: number; receiptId?: string },
): Promise<ReviewConversion | undefined> {
  const { rows } = await sql.query<ReviewConversion>(
    `SELECT conversion_event_id, receipt_id::text AS receipt_id, vendor_id, partner_id, status, commission_amount::text AS commission_amount,
            currency, approved_at, rejected_at, rejection_reason
     FROM conversion_events
     WHERE vendor_id = :vendor::integer AND is_deleted IS NOT TRUE
       AND (conversion_event_id = :id::bigint OR receipt_id = :receipt::uuid)
     FOR UPDATE`,
    { vendor: args.vendorId, id: args.conversionEventId ?? null, receipt: args.receiptId ?? null },
  );
  return rows[0] && { ...rows[0], commission_amount: amountText(rows[0].commission_amount, rows[0].currency) };
}

/** Whether a live payout (not cancelled) holds this conversion: then it may not be rejected. */
export async function heldByLivePayout(sql: SqlExecutor, conversionEventId: number): Promise<boolean> {
  const { rows } = await sql.query(
    `SELECT 1 FROM payout_events pe JOIN payouts p ON p.payout_id = pe.payout_id
     WHERE pe.conversion_event_id = :id::bigint AND pe.is_deleted IS NOT TRUE AND p.is_deleted IS NOT TRUE LIMIT 1`,
    { id: conversionEventId },
  );
  return rows.length > 0;
}

export async function setConversionStatus(
  sql: SqlExecutor,
  args: { conversionEventId: number; status: 'approved' | 'rejected'; now: string; rejectionReason?: string },
): Promise<void> {
  await sql.query(
    args.status === 'approved'
      ? `UPDATE conversion_events SET status = 'approved', approved_at = :now::timestamptz WHERE conversion_event_id = :id::bigint`
      : `UPDATE conversion_events SET status = 'rejected', rejected_at = :now::timestamptz, rejection_reason = :reason WHERE conversion_event_id = :id::bigint`,
    { id: args.conversionEventId, now: args.now, ...(args.status === 'rejected' ? { reason: args.rejectionReason ?? null } : {}) },
  );
}
