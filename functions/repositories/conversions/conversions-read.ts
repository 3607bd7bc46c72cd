/**
 * Reading conversions for the vendor API: always scoped by `conversion_events.vendor_id`
 * (another vendor's conversion is simply not found), with their touches.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface ConversionReadRow {
  conversion_event_id: number;
  receipt_id: string;
  vendor_id: number;
  source: string;
  event_type: string;
  transaction_id: string | null;
  partner_id: number;
  campaign_id: number;
  campaign_version_id: number;
  status: string;
  event_value: string | null;
  /** ISO 4217: event_value, refunded_amount, commission_amount and the touches are amounts of it. */
  currency: string;
  refunded_amount: string;
  commission_amount: string | null;
  commission_type: string | null;
  commission_value: string | null;
  attribution_type: string;
  attribution_confidence: string | null;
  click_id: string | null;
  cookie_id: string | null;
  customer_id: string | null;
  rejection_reason: string | null;
  occurred_at: string;
  recorded_at: string;
  approved_at: string | null;
  rejected_at: string | null;
  /** Why it earned what it earned, as the commission calculation recorded it (`metadata.attribution_details`). */
  commission_source: string | null;
  commission_explanation: string | null;
  applied_commission_rule_id: number | null;
  reward_id: number | null;
  campaign_tier_id: string | null;
  partner_campaign_override_id: string | null;
}

export interface TouchReadRow {
  touch_id: number;
  conversion_event_id: number;
  partner_id: number;
  campaign_version_id: number;
  touch_type: string;
  touch_value: string | null;
  weight: string | null;
  attribution_type: string;
  attribution_confidence: string | null;
  click_id: string | null;
  occurred_at: string;
}

const columns = `ce.conversion_event_id, ce.receipt_id, ce.vendor_id, ce.source, cet.name AS event_type, ce.transaction_id,
  ce.partner_id, cv.campaign_id, ce.campaign_version_id, ce.status, ce.event_value, ce.currency, ce.refunded_amount, ce.commission_amount,
  ce.commission_type, ce.commission_value, ce.attribution_type, ce.attribution_confidence, cl.click_uuid AS click_id,
  ce.cookie_id, ce.customer_id, ce.rejection_reason, ce.occurred_at, ce.recorded_at, ce.approved_at, ce.rejected_at,
  ce.metadata #>> '{attribution_details,commission_source}' AS commission_source,
  ce.metadata #>> '{attribution_details,explanation}' AS commission_explanation,
  ce.applied_commission_rule_id, ce.reward_id,
  ce.metadata #>> '{attribution_details,campaign_tier_id}' AS campaign_tier_id,
  ce.metadata #>> '{attribution_details,partner_campaign_override_id}' AS partner_campaign_override_id`;

const joins = `JOIN conversion_event_types cet ON cet.conversion_event_type_id = ce.conversion_event_type_id
  JOIN campaign_versions cv ON cv.campaign_version_id = ce.campaign_version_id
  LEFT JOIN clicks cl ON cl.click_id = ce.click_id`;

/** A vendor's conversion by serial id or by receipt id; undefined when absent or another vendor's. */
export async function findConversionForVendor(
  sql: SqlExecutor,
  input: { vendor_id: number; conversion_event_id?: number; receipt_id?: string },
): Promise<ConversionReadRow | undefined> {
  const { rows } = await sql.query<ConversionReadRow & Record<string, unknown>>(
    `SELECT ${columns} FROM conversion_events ce ${joins}
     WHERE ce.vendor_id = :vendor_id::integer AND ce.is_deleted IS NOT TRUE
       AND (:id::bigint IS NULL OR ce.conversion_event_id = :id::bigint)
       AND (:receipt_id::uuid IS NULL OR ce.receipt_id = :receipt_id::uuid)
     LIMIT 1`,
    { vendor_id: input.vendor_id, id: input.conversion_event_id ?? null, receipt_id: input.receipt_id ?? null },
  );
  return rows[0];
}

/** A page of a vendor's conversions, newest first (keyset on the id); fetches `limit + 1`. */
export async function listConversionsForVendor(
  sql: SqlExecutor,
  input: { vendor_id: number; status?: string; partner_id?: number; campaign_id?: number; before_id?: number; limit: number },
): Promise<ConversionReadRow[]> {
  const { rows } = await sql.query<ConversionReadRow & Record<string, unknown>>(
    `SELECT ${columns} FROM conversion_events ce ${joins}
     WHERE ce.vendor_id = :vendor_id::integer AND ce.is_deleted IS NOT TRUE
       AND (:status::text IS NULL OR ce.status = :status::text)
       AND (:partner_id::integer IS NULL OR ce.partner_id = :partner_id::integer)
       AND (:campaign_id::integer IS NULL OR cv.campaign_id = :campaign_id::integer)
       AND (:before_id::bigint IS NULL OR ce.conversion_event_id < :before_id::bigint)
     ORDER BY ce.conversion_event_id DESC
     LIMIT :limit::integer`,
    {
      vendor_id: input.vendor_id,
      status: input.status ?? null,
      partner_id: input.partner_id ?? null,
      campaign_id: input.campaign_id ?? null,
      before_id: input.before_id ?? null,
      limit: input.limit + 1,
    },
  );
  return rows;
}

/** The live touches of some conversions, in journey order. */
export async function listTouchesOf(sql: SqlExecutor, conversionEventIds: number[]): Promise<TouchReadRow[]> {
  if (conversionEventIds.length === 0) return [];
  const { rows } = await sql.query<TouchReadRow & Record<string, unknown>>(
    `SELECT t.touch_id, t.conversion_event_id, t.partner_id, t.campaign_version_id, t.touch_type, t.touch_value,
            t.metadata ->> 'weight' AS weight, t.attribution_type, t.attribution_confidence, cl.click_uuid AS click_id, t.occurred_at
     FROM touches t LEFT JOIN clicks cl ON cl.click_id = t.click_id
     WHERE t.conversion_event_id = ANY(:ids::bigint[]) AND t.is_deleted IS NOT TRUE
     ORDER BY t.conversion_event_id, t.occurred_at, t.touch_id`,
    { ids: conversionEventIds },
  );
  return rows;
}

export interface UnattributedReadRow {
  unattributed_conversion_id: number;
  source: string;
  transaction_id: string | null;
  event_type: string;
  event_value: string | null;
  currency: string;
  reason: string;
  /** Why it earns nothing, in a sentence (e.g. both currencies of a `currency_mismatch`), when recorded. */
  refusal: string | null;
  occurred_at: string | null;
  received_at: string;
}

/**
 * A page of the vendor's conversions no partner is credited with, newest first: unattributed
 * sales and sales refused for their currency. The refund ledger rows (`refund_ledger`) that share
 * the table are not conversions and are left out. Fetches `limit + 1`.
 */
export async function listUnattributedForVendor(
  sql: SqlExecutor,
  input: { vendor_id: number; reason?: string; before_id?: number; limit: number },
): Promise<UnattributedReadRow[]> {
  const { rows } = await sql.query<UnattributedReadRow & Record<string, unknown>>(
    `SELECT unattributed_conversion_id, source, transaction_id, event_type, event_value::text AS event_value, currency, reason,
            payload ->> 'refusal' AS refusal, occurred_at, received_at
     FROM unattributed_conversions
     WHERE vendor_id = :vendor_id::integer AND reason <> 'refund_ledger'
       AND (:reason::text IS NULL OR reason = :reason::text)
       AND (:before_id::bigint IS NULL OR unattributed_conversion_id < :before_id::bigint)
     ORDER BY unattributed_conversion_id DESC
     LIMIT :limit::integer`,
    { vendor_id: input.vendor_id, reason: input.reason ?? null, before_id: input.before_id ?? null, limit: input.limit + 1 },
  );
  return rows;
}
