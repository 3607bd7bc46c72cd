/** The conversion as its vendor notice carries it (`conversion.created`, `.approved`, `.rejected`). */
import { amountText } from '../../domain/money/amount-text.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';

export type ConversionNotice = {
  conversion_id: string;
  receipt_id: string;
  vendor_id: number;
  partner_id: number;
  campaign_version_id: number;
  /** The event type's name; absent from `conversion.approved` notices (see `loadConversionNotices`). */
  event_type?: string;
  transaction_id: string | null;
  source: string;
  event_value: string | null;
  /** ISO 4217: event_value and commission_amount are amounts of it, in its decimals. */
  currency: string;
  commission_amount: string | null;
  status: string;
  rejection_reason: string | null;
  attribution_type: string;
  attribution_confidence: string | null;
  occurred_at: string;
  milestone_bonus: boolean;
};

/** The notices of these conversions (by id) or of the conversion with this receipt, in id order. */
export async function loadConversionNotices(
  sql: SqlExecutor,
  where: { ids?: readonly number[]; receiptId?: string },
): Promise<ConversionNotice[]> {
  const result = await sql.query<ConversionNotice & { conversion_event_id: number }>(
    `SELECT ce.conversion_event_id, ce.conversion_event_id::text AS conversion_id, ce.receipt_id::text AS receipt_id,
            ce.vendor_id, ce.partner_id, ce.campaign_version_id,
            (SELECT t.name FROM conversion_event_types t WHERE t.conversion_event_type_id = ce.conversion_event_type_id) AS event_type,
            ce.transaction_id, ce.source,
            ce.event_value, ce.currency, ce.commission_amount, ce.status, ce.rejection_reason, ce.attribution_type,
            ce.attribution_confidence, ce.occurred_at, (ce.metadata ->> 'milestone_bonus') IS NOT NULL AS milestone_bonus
     FROM conversion_events ce
     WHERE ce.conversion_event_id = ANY(:ids::bigint[]) OR ce.receipt_id = :receipt::uuid
     ORDER BY ce.conversion_event_id`,
    { ids: [...(where.ids ?? [])], receipt: where.receiptId ?? null },
  );
  return result.rows.map(({ conversion_event_id: _id, ...notice }) => ({
    ...notice,
    event_value: amountText(notice.event_value, notice.currency),
    commission_amount: amountText(notice.commission_amount, notice.currency),
  }));
}
