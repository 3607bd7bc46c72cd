/**
 * The attribute-conversions consumer's writes, each one statement (batches travel as one
 * `::jsonb` parameter). Money travels as decimal strings; every statement runs on PGlite,
 * PostgreSQL and the Data API. They run inside the caller's transaction.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';
import { APPEND_JOURNEY_EVENT } from '../clicks/funnel-events.js';

export interface ConversionInsert {
  vendor_id: number;
  source: string;
  receipt_id: string;
  conversion_event_type_id: number;
  lead_id: number | null;
  click_id: number | null;
  cookie_id: string | null;
  partner_id: number;
  campaign_version_id: number;
  reward_id: number | null;
  attribution_type: string;
  attribution_confidence: string;
  transaction_id: string;
  customer_email: string | null;
  customer_id: string | null;
  event_value: string | null;
  /** ISO 4217 code of event_value, commission_amount and the touches (the campaign's). */
  currency: string;
  commission_amount: string;
  commission_type: string | null;
  commission_value: string | null;
  status: string;
  occurred_at: string;
  rejection_reason: string | null;
  refunded_amount: string;
  metadata: Record<string, unknown>;
  funnel_journey_id: number | null;
  applied_commission_rule_id: number | null;
}

/**
 * The idempotency guard: one row per (vendor, source, transaction, event type). Returns the new
 * id, or undefined when the conversion already exists (a duplicate delivery: write nothing else).
 */
export async function insertConversion(sql: SqlExecutor, row: ConversionInsert): Promise<number | undefined> {
  const result = await sql.query<{ conversion_event_id: number }>(
    `INSERT INTO conversion_events (
       vendor_id, source, receipt_id, conversion_event_type_id, lead_id, click_id, cookie_id, partner_id,
       campaign_version_id, reward_id, attribution_type, attribution_confidence, transaction_id, customer_email,
       customer_id, event_value, currency, commission_amount, commission_type, commission_value, status, occurred_at,
       recorded_at, rejected_at, rejection_reason, refunded_amount, metadata, funnel_journey_id, applied_commission_rule_id)
     VALUES (
       :vendor_id::integer, :source, :receipt_id::uuid, :conversion_event_type_id::integer, :lead_id::bigint,
       :click_id::bigint, :cookie_id::uuid, :partner_id::integer, :campaign_version_id::integer, :reward_id::integer,
       :attribution_type, :attribution_confidence, :transaction_id, :customer_email, :customer_id,
       :event_value::numeric, :currency, :commission_amount::numeric, :commission_type, :commission_value::numeric, :status::text,
       :occurred_at::timestamptz, NOW(), CASE WHEN :status::text = 'rejected' THEN NOW() END, :rejection_reason,
       :refunded_amount::numeric, :metadata::jsonb, :funnel_journey_id::integer, :applied_commission_rule_id::integer)
     ON CONFLICT (vendor_id, source, transaction_id, conversion_event_type_id) DO NOTHING
     RETURNING conversion_event_id`,
    { ...row, metadata: JSON.stringify(row.metadata) },
  );
  return result.rows[0]?.conversion_event_id;
}

export interface TouchInsert {
  click_id: number | null;
  cookie_id: string | null;
  partner_id: number;
  campaign_version_id: number;
  touch_type: string;
  touch_value: string;
  occurred_at: string;
  /** Exact weight, basis points and the hot-store click id: refunds re-split by the weight. */
  metadata: Record<string, unknown>;
}

export async function addJourneyCommission(sql: SqlExecutor, funnelJourneyId: number, delta: string): Promise<void> {
  await sql.query(
    `UPDATE funnel_journeys SET total_commission = COALESCE(total_commission, 0) + :delta::numeric
     WHERE funnel_journey_id = :journey::integer`,
    { journey: funnelJourneyId, delta },
  );
}

/**
 * The partner's enrollment of the campaign of each (partner, campaign version) key: an enrollment
 * follows the campaign to its current version, while touches keep the version they were priced on,
 * so the two are joined through the campaign (docs/campaign-edits-and-events.md).
 */
/**
 * How an enrollment's totals take a delta `d` (conversions, revenue, commission) at `:at`: counts never
 * below zero, `last_conversion_at` only moved forward by a counted conversion. One text for the
 * standalone update (refunds) and the sale's one write statement.
 */
const ENROLLMENT_TOTALS_SET = `SET total_conversions = GREATEST(0, COALESCE(cp.total_conversions, 0) + d.conversions),
         total_revenue = COALESCE(cp.total_revenue, 0) + d.revenue,
         total_commission_earned = COALESCE(cp.total_commission_earned, 0) + d.commission,
         last_conversion_at = CASE WHEN d.conversions > 0 AND :at::timestamptz IS NOT NULL
                                   THEN GREATEST(cp.last_conversion_at, :at::timestamptz AT TIME ZONE 'UTC')
                                   ELSE cp.last_conversion_at END,
         updated_at = NOW()`;

const ENROLLMENT_OF_CAMPAIGN = `
  JOIN campaign_versions kv ON kv.campaign_version_id = k.campaign_version_id
  JOIN campaign_versions ev ON ev.campaign_id = kv.campaign_id
  JOIN campaign_partners cp ON cp.campaign_version_id = ev.campaign_version_id AND cp.partner_id = k.partner_id`;

/** Locks the enrollments about to move, in id order, so concurrent consumers queue instead of deadlocking. */
export async function lockEnrollments(
  sql: SqlExecutor,
  keys: readonly { partner_id: number; campaign_version_id: number }[],
): Promise<void> {
  if (keys.length === 0) return;
  await sql.query(
    `SELECT cp.campaign_partner_id
     FROM jsonb_to_recordset(:keys::jsonb) AS k(partner_id integer, campaign_version_id integer)
     ${ENROLLMENT_OF_CAMPAIGN}
     ORDER BY cp.campaign_partner_id
     FOR UPDATE OF cp`,
    { keys: JSON.stringify(keys) },
  );
}

/** A milestone bonus: its conversion row (no click, cookie, customer or lead), its one touch, snapshot and totals delta. */
export interface MilestoneBonusInsert {
  conversion: Pick<
    ConversionInsert,
    | 'vendor_id' | 'source' | 'receipt_id' | 'conversion_event_type_id' | 'partner_id' | 'campaign_version_id' | 'reward_id'
    | 'attribution_type' | 'attribution_confidence' | 'transaction_id' | 'event_value' | 'currency' | 'commission_amount'
    | 'commission_type' | 'commission_value' | 'status' | 'occurred_at' | 'refunded_amount' | 'metadata'
  >;
  touch: { touch_value: string; metadata: Record<string, unknown> };
  snapshotAmount: string;
  delta: TotalsDelta;
}

export interface TotalsDelta {
  partner_id: number;
  campaign_version_id: number;
  conversions: number;
  revenue: string;
  commission: string;
}

/**
 * Moves `campaign_partners` totals by the given differences (refunds move them back). A delta
 * names the version its touch was priced on; it lands on the partner's enrollment of that
 * campaign, wherever the enrollment now is (deltas of one enrollment are summed first: an UPDATE
 * applies only one joined row per target).
 */
export async function applyEnrollmentTotals(
  sql: SqlExecutor,
  input: { deltas: readonly TotalsDelta[]; lastConversionAt: string | null },
): Promise<void> {
  if (input.deltas.length === 0) return;
  await sql.query(
    `UPDATE campaign_partners cp
     ${ENROLLMENT_TOTALS_SET}
     FROM (
       SELECT cp.campaign_partner_id, sum(k.conversions)::integer AS conversions, sum(k.revenue) AS revenue,
              sum(k.commission) AS commission
       FROM jsonb_to_recordset(:deltas::jsonb) AS k(partner_id integer, campaign_version_id integer, conversions integer,
                                                    revenue numeric, commission numeric)
       ${ENROLLMENT_OF_CAMPAIGN}
       GROUP BY cp.campaign_partner_id
     ) AS d
     WHERE cp.campaign_partner_id = d.campaign_partner_id`,
    { deltas: JSON.stringify(input.deltas), at: input.lastConversionAt },
  );
}

/**
 * An attributed conversion's writes in ONE statement (each statement is a Data API call on AWS),
 * chained by data-modifying CTEs: the conversion row (its funnel journey found by its cookie;
 * the idempotency guard: one row per vendor, source, transaction and event type), then - only
 * when the row was inserted, i.e. not a duplicate - its touches in journey order, its immutable
 * commission snapshot, the journey's completion (converted, completed at its earliest
 * conversion, commission added, the event merged into `events_sequence` carrying the new id, the
 * furthest stage, the latest attribution map), the enrollment totals (as applyEnrollmentTotals)
 * and the milestone bonuses it triggers (each its own conversion, once ever by its key, with one
 * touch and a snapshot; its commission joins the totals only when its row was inserted).
 * Returns the new ids, or undefined when the conversion key was already taken.
 */
export async function writeAttributedConversion(
  sql: SqlExecutor,
  input: {
    conversion: Omit<ConversionInsert, 'funnel_journey_id'>;
    touches: readonly TouchInsert[];
    /** The snapshot's amount: the commission before any held refund. */
    snapshotAmount: string;
    journey: { attributionMap: Record<string, unknown>; event: Record<string, unknown> };
    deltas: readonly TotalsDelta[];
    /** Milestone bonuses this conversion reaches; `metadata.triggered_by_conversion_event_id` is added. */
    bonuses?: readonly MilestoneBonusInsert[];
  },
): Promise<{ conversionEventId: number; funnelJourneyId: number | null; bonusIds: Map<string, number> } | undefined> {
  const { conversion } = input;
  const bonuses = input.bonuses ?? [];
  const result = await sql.query<{ kind: 'sale' | 'bonus'; conversion_event_id: number; funnel_journey_id: number | null; transaction_id: string | null }>(
    `WITH conversion AS (
       INSERT INTO conversion_events (
         vendor_id, source, receipt_id, conversion_event_type_id, lead_id, click_id, cookie_id, partner_id,
         campaign_version_id, reward_id, attribution_type, attribution_confidence, transaction_id, customer_email,
         customer_id, event_value, currency, commission_amount, commission_type, commission_value, status, occurred_at,
         recorded_at, rejected_at, rejection_reason, refunded_amount, metadata, funnel_journey_id, applied_commission_rule_id)
       VALUES (
         :vendor_id::integer, :source, :receipt_id::uuid, :conversion_event_type_id::integer, :lead_id::bigint,
         :click_id::bigint, :cookie_id::uuid, :partner_id::integer, :campaign_version_id::integer, :reward_id::integer,
         :attribution_type, :attribution_confidence, :transaction_id, :customer_email, :customer_id,
         :event_value::numeric, :currency, :commission_amount::numeric, :commission_type, :commission_value::numeric, :status::text,
         :occurred_at::timestamptz, NOW(), CASE WHEN :status::text = 'rejected' THEN NOW() END, :rejection_reason,
         :refunded_amount::numeric, :metadata::jsonb,
         (SELECT funnel_journey_id FROM funnel_journeys WHERE cookie_id = :cookie_id::uuid),
         :applied_commission_rule_id::integer)
       ON CONFLICT (vendor_id, source, transaction_id, conversion_event_type_id) DO NOTHING
       RETURNING conversion_event_id, funnel_journey_id
     ),
     new_touches AS (
       INSERT INTO touches (conversion_event_id, lead_id, click_id, cookie_id, partner_id, campaign_version_id, touch_type,
                            touch_value, attribution_type, attribution_confidence, metadata, occurred_at, recorded_at)
       SELECT c.conversion_event_id, :lead_id::bigint, t.click_id, t.cookie_id, t.partner_id, t.campaign_version_id, t.touch_type,
              t.touch_value, :attribution_type, :attribution_confidence, t.metadata, t.occurred_at AT TIME ZONE 'UTC', NOW()
       FROM conversion c CROSS JOIN jsonb_to_recordset(:touches::jsonb) AS t(
         click_id bigint, cookie_id uuid, partner_id integer, campaign_version_id integer, touch_type text,
         touch_value numeric, occurred_at timestamptz, metadata jsonb, ord bigint)
       ORDER BY t.ord
       RETURNING 1
     ),
     snapshot AS (
       INSERT INTO event_commission_snapshots (conversion_event_id, commission_type, commission_value, commission_amount,
                                               partner_id, campaign_version_id, reward_id, commission_rule_id)
       SELECT c.conversion_event_id, :commission_type, :commission_value::numeric, :snapshot_amount::numeric,
              :partner_id::integer, :campaign_version_id::integer, :reward_id::integer, :applied_commission_rule_id::integer
       FROM conversion c
       RETURNING 1
     ),
     journey AS (
       UPDATE funnel_journeys fj
       SET journey_completed_at = LEAST(COALESCE(fj.journey_completed_at, :at::timestamptz AT TIME ZONE 'UTC'), :at::timestamptz AT TIME ZONE 'UTC'),
           is_converted = TRUE,
           total_commission = COALESCE(fj.total_commission, 0) + :commission_amount::numeric,
           attribution_map = :map::jsonb,
           ${APPEND_JOURNEY_EVENT.replace(':event::jsonb', `(:event::jsonb || jsonb_build_object('conversion_event_id', c.conversion_event_id))`)}
       FROM conversion c
       WHERE fj.funnel_journey_id = c.funnel_journey_id
       RETURNING 1
     ),
     bonus AS (
       INSERT INTO conversion_events (
         vendor_id, source, receipt_id, conversion_event_type_id, partner_id, campaign_version_id, reward_id,
         attribution_type, attribution_confidence, transaction_id, event_value, currency, commission_amount, commission_type,
         commission_value, status, occurred_at, recorded_at, refunded_amount, metadata)
       SELECT b.vendor_id, b.source, b.receipt_id, b.conversion_event_type_id, b.partner_id, b.campaign_version_id, b.reward_id,
              b.attribution_type, b.attribution_confidence, b.transaction_id, b.event_value, b.currency, b.commission_amount,
              b.commission_type, b.commission_value, b.status, b.occurred_at, NOW(), b.refunded_amount,
              b.metadata || jsonb_build_object('triggered_by_conversion_event_id', c.conversion_event_id)
       FROM conversion c CROSS JOIN jsonb_to_recordset(:bonuses::jsonb) AS b(
         vendor_id integer, source text, receipt_id uuid, conversion_event_type_id integer, partner_id integer,
         campaign_version_id integer, reward_id integer, attribution_type text, attribution_confidence text, transaction_id text,
         event_value numeric, currency text, commission_amount numeric, commission_type text, commission_value numeric,
         status text, occurred_at timestamptz, refunded_amount numeric, metadata jsonb, ord integer)
       ORDER BY b.ord
       ON CONFLICT (vendor_id, source, transaction_id, conversion_event_type_id) DO NOTHING
       RETURNING conversion_event_id, transaction_id
     ),
     bonus_touches AS (
       INSERT INTO touches (conversion_event_id, lead_id, click_id, cookie_id, partner_id, campaign_version_id, touch_type,
                            touch_value, attribution_type, attribution_confidence, metadata, occurred_at, recorded_at)
       SELECT bo.conversion_event_id, NULL, NULL, NULL, t.partner_id, t.campaign_version_id, 'only', t.touch_value,
              t.attribution_type, t.attribution_confidence, t.touch_metadata, t.occurred_at AT TIME ZONE 'UTC', NOW()
       FROM bonus bo JOIN jsonb_to_recordset(:bonuses::jsonb) AS t(
         transaction_id text, partner_id integer, campaign_version_id integer, touch_value numeric, attribution_type text,
         attribution_confidence text, touch_metadata jsonb, occurred_at timestamptz) ON t.transaction_id = bo.transaction_id
       RETURNING 1
     ),
     bonus_snapshots AS (
       INSERT INTO event_commission_snapshots (conversion_event_id, commission_type, commission_value, commission_amount,
                                               partner_id, campaign_version_id, reward_id, commission_rule_id)
       SELECT bo.conversion_event_id, s.commission_type, s.commission_value, s.commission_amount, s.partner_id,
              s.campaign_version_id, s.reward_id, NULL
       FROM bonus bo JOIN jsonb_to_recordset(:bonuses::jsonb) AS s(
         transaction_id text, commission_type text, commission_value numeric, commission_amount numeric, partner_id integer,
         campaign_version_id integer, reward_id integer) ON s.transaction_id = bo.transaction_id
       RETURNING 1
     ),
     totals AS (
       UPDATE campaign_partners cp
       ${ENROLLMENT_TOTALS_SET}
       FROM (
         SELECT cp.campaign_partner_id, sum(k.conversions)::integer AS conversions, sum(k.revenue) AS revenue,
                sum(k.commission) AS commission
         FROM jsonb_to_recordset(:deltas::jsonb) AS k(partner_id integer, campaign_version_id integer, conversions integer,
                                                      revenue numeric, commission numeric, bonus text)
         ${ENROLLMENT_OF_CAMPAIGN}
         -- One UPDATE per row and statement: a bonus's commission is summed in here, when its row was inserted.
         WHERE k.bonus IS NULL OR k.bonus IN (SELECT transaction_id FROM bonus)
         GROUP BY cp.campaign_partner_id
       ) AS d
       WHERE cp.campaign_partner_id = d.campaign_partner_id AND EXISTS (SELECT 1 FROM conversion)
       RETURNING 1
     )
     SELECT 'sale' AS kind, conversion_event_id, funnel_journey_id, NULL::text AS transaction_id FROM conversion
     UNION ALL
     SELECT 'bonus', conversion_event_id, NULL, transaction_id FROM bonus`,
    {
      ...conversion,
      metadata: JSON.stringify(conversion.metadata),
      // Inserted in journey order, so touch ids follow the clicks.
      touches: JSON.stringify(input.touches.map((touch, ord) => ({ ...touch, ord }))),
      snapshot_amount: input.snapshotAmount,
      at: conversion.occurred_at,
      map: JSON.stringify(input.journey.attributionMap),
      type: conversion.conversion_event_type_id,
      event: JSON.stringify(input.journey.event),
      deltas: JSON.stringify([
        ...input.deltas,
        ...bonuses.map((b) => ({ ...b.delta, bonus: b.conversion.transaction_id })),
      ]),
      bonuses: JSON.stringify(
        bonuses.map((b, ord) => ({
          ...b.conversion,
          metadata: b.conversion.metadata,
          ord,
          touch_value: b.touch.touch_value,
          touch_metadata: b.touch.metadata,
          commission_amount: b.snapshotAmount,
        })),
      ),
    },
  );
  const sale = result.rows.find((row) => row.kind === 'sale');
  if (!sale) return undefined;
  const bonusIds = new Map(result.rows.filter((row) => row.kind === 'bonus').map((row) => [row.transaction_id!, row.conversion_event_id]));
  return { conversionEventId: sale.conversion_event_id, funnelJourneyId: sale.funnel_journey_id, bonusIds };
}

/** Upserts the lead by its external id (within the vendor); returns its id, or null if another vendor owns the id. */
export async function upsertLead(
  sql: SqlExecutor,
  lead: {
    external_lead_id: string;
    vendor_id: number;
    partner_id: number | null;
    first_name?: string;
    last_name?: string;
    email?: string;
    phone?: string;
    converted: boolean;
  },
): Promise<number | null> {
  const result = await sql.query<{ lead_id: number }>(
    `INSERT INTO leads (external_lead_id, partner_id, vendor_id, first_name, last_name, email, phone, status)
     VALUES (:external_lead_id, :partner_id::integer, :vendor_id::integer, :first_name, :last_name, :email, :phone,
             CASE WHEN :converted::boolean THEN 'converted' ELSE 'new' END)
     ON CONFLICT (external_lead_id) DO UPDATE
     SET first_name = COALESCE(EXCLUDED.first_name, leads.first_name),
         last_name = COALESCE(EXCLUDED.last_name, leads.last_name),
         email = COALESCE(EXCLUDED.email, leads.email),
         phone = COALESCE(EXCLUDED.phone, leads.phone),
         partner_id = COALESCE(leads.partner_id, EXCLUDED.partner_id),
         status = CASE WHEN :converted::boolean THEN 'converted' ELSE leads.status END,
         updated_at = NOW()
     WHERE leads.vendor_id = EXCLUDED.vendor_id
     RETURNING lead_id`,
    {
      ...lead,
      first_name: lead.first_name ?? null,
      last_name: lead.last_name ?? null,
      email: lead.email ?? null,
      phone: lead.phone ?? null,
    },
  );
  return result.rows[0]?.lead_id ?? null;
}

/** A conversion nobody can be credited with, kept with its reason (deduplicated like conversions). */
export async function insertUnattributed(
  sql: SqlExecutor,
  row: {
    vendor_id: number;
    source: string;
    transaction_id: string;
    event_type: string;
    event_value: string | null;
    /** The currency the producer named (USD when it named none). */
    currency: string;
    payload: Record<string, unknown>;
    reason: string;
    occurred_at: string;
  },
): Promise<boolean> {
  const result = await sql.query(
    `INSERT INTO unattributed_conversions (vendor_id, source, transaction_id, event_type, event_value, currency, payload, reason, occurred_at)
     VALUES (:vendor_id::integer, :source, :transaction_id, :event_type, :event_value::numeric, :currency, :payload::jsonb, :reason,
             :occurred_at::timestamptz)
     ON CONFLICT (vendor_id, source, transaction_id, event_type) DO NOTHING
     RETURNING unattributed_conversion_id`,
    { ...row, payload: JSON.stringify(row.payload) },
  );
  return result.rows.length > 0;
}
