/**
 * Vendor reports. Every query is scoped to one campaign the caller's vendor owns (the route
 * checks ownership first; the queries also join on vendor_id so a wrong id returns nothing).
 * Money stays NUMERIC in SQL and arrives as decimal strings.
 */
import type { SqlExecutor } from '../ports/sql-executor.js';

export interface TopPartnerRow {
  partner_id: number;
  name: string;
  tier: string | null;
  /** ISO 4217: a partner with sales in two currencies has one row per currency. */
  currency: string;
  conversion_count: number;
  /** Sums as NUMERIC text (3 decimals): the route formats them in `currency`. */
  total_revenue: string;
  total_commission: string;
  /** Commission of the counted conversions (milestone bonuses left out): the average's numerator. */
  counted_commission: string;
}

/**
 * The data dictionary's "top performing partners in campaign": approved conversions in
 * [from, to] (inclusive, as BETWEEN), top 10 by revenue. "Approved" includes conversions approved
 * and since paid out (status `paid`): otherwise a month's report empties once its payout run
 * completes. Milestone bonuses (rows flagged `metadata.milestone_bonus`) count in the commission
 * earned but are not conversions: they are left out of the conversion count and the average
 * commission per conversion. Money is grouped by currency too (amounts of two currencies are
 * never added); the route rounds the average half-up to the currency's minor unit.
 *
 * Two statements: the campaign's versions (and the tenant check), then the conversions of those
 * versions by value. Given the version ids as values, the planner estimates each version's month
 * from its statistics and reads the `idx_conversion_events_campaign_version_id`
 * (campaign_version_id, occurred_at) range (bench/reports-at-scale.ts checks it). Joined to
 * campaign_versions in one statement it could only assume an average version and preferred
 * scanning the whole month through idx_conversion_events_occurred_at: 4-8x slower at 1M
 * conversions (88 ms against 12 ms for a typical campaign). The tenant check is on the campaign
 * (the conversions' vendor is the same by construction): a filter on `ce.vendor_id` also made the
 * planner AND in a scan of every conversion of the vendor.
 */
export async function topPartners(
  sql: SqlExecutor,
  input: { vendor_id: number; campaign_id: number; from: Date; to: Date; limit?: number },
): Promise<TopPartnerRow[]> {
  const { rows: versions } = await sql.query<{ campaign_version_id: number }>(
    `SELECT cv.campaign_version_id FROM campaign_versions cv JOIN campaigns c ON c.campaign_id = cv.campaign_id
     WHERE cv.campaign_id = :campaign_id::integer AND c.vendor_id = :vendor_id::integer`,
    { vendor_id: input.vendor_id, campaign_id: input.campaign_id },
  );
  if (versions.length === 0) return [];
  // Aggregated and ranked per partner id first, so only the top rows look up their partner.
  const { rows } = await sql.query<TopPartnerRow & Record<string, unknown>>(
    `SELECT p.partner_id, p.name, p.tier, x.currency, x.conversion_count, x.total_revenue, x.total_commission, x.counted_commission
     FROM (
       SELECT ce.partner_id, ce.currency,
              COUNT(DISTINCT ce.conversion_event_id) FILTER (WHERE ce.metadata ->> 'milestone_bonus' IS NULL)::integer AS conversion_count,
              COALESCE(SUM(ce.event_value), 0)::text AS total_revenue,
              COALESCE(SUM(ce.commission_amount), 0)::text AS total_commission,
              COALESCE(SUM(ce.commission_amount) FILTER (WHERE ce.metadata ->> 'milestone_bonus' IS NULL), 0)::text AS counted_commission,
              SUM(ce.event_value) AS revenue
       FROM conversion_events ce
       WHERE ce.campaign_version_id = ANY(:versions::integer[])
         AND ce.status IN ('approved', 'paid')
         AND ce.is_deleted IS NOT TRUE
         AND ce.occurred_at BETWEEN :from::timestamptz AND :to::timestamptz
       GROUP BY ce.partner_id, ce.currency
       ORDER BY SUM(ce.event_value) DESC NULLS LAST, ce.partner_id, ce.currency
       LIMIT :limit::integer
     ) x
     JOIN partners p ON p.partner_id = x.partner_id
     ORDER BY x.revenue DESC NULLS LAST, x.partner_id, x.currency`,
    { versions: versions.map((v) => v.campaign_version_id), from: input.from, to: input.to, limit: input.limit ?? 10 },
  );
  return rows;
}

export interface FunnelStageRow {
  /** NULL furthest stage = the journey never got past its click. */
  stage: string;
  sort_order: number;
  journeys: number;
  converted: number;
}

export interface FunnelSummaryRow {
  journeys: number;
  converted: number;
  /** Whole seconds, average of journey_completed_at - journey_started_at over converted journeys. */
  avg_seconds_to_conversion: number | null;
}

/** Journeys of a campaign (all its versions) grouped by their furthest stage. */
export async function funnelStages(sql: SqlExecutor, input: { vendor_id: number; campaign_id: number }): Promise<FunnelStageRow[]> {
  const { rows } = await sql.query<FunnelStageRow & Record<string, unknown>>(
    `SELECT COALESCE(cet.name, 'click') AS stage, COALESCE(cet.sort_order, 0)::integer AS sort_order,
            COUNT(*)::integer AS journeys, COUNT(*) FILTER (WHERE fj.is_converted IS TRUE)::integer AS converted
     FROM funnel_journeys fj
     JOIN campaign_versions cv ON cv.campaign_version_id = fj.campaign_version_id
     JOIN campaigns c ON c.campaign_id = cv.campaign_id
     LEFT JOIN conversion_event_types cet ON cet.conversion_event_type_id = fj.furthest_stage_id
     WHERE cv.campaign_id = :campaign_id::integer AND c.vendor_id = :vendor_id::integer AND fj.is_deleted IS NOT TRUE
     GROUP BY 1, 2
     ORDER BY 2, 1`,
    input,
  );
  return rows;
}

export async function funnelSummary(sql: SqlExecutor, input: { vendor_id: number; campaign_id: number }): Promise<FunnelSummaryRow> {
  const { rows } = await sql.query<FunnelSummaryRow & Record<string, unknown>>(
    `SELECT COUNT(*)::integer AS journeys,
            COUNT(*) FILTER (WHERE fj.is_converted IS TRUE)::integer AS converted,
            ROUND(AVG(EXTRACT(EPOCH FROM (fj.journey_completed_at - fj.journey_started_at)))
                  FILTER (WHERE fj.is_converted IS TRUE AND fj.journey_completed_at IS NOT NULL))::integer AS avg_seconds_to_conversion
     FROM funnel_journeys fj
     JOIN campaign_versions cv ON cv.campaign_version_id = fj.campaign_version_id
     JOIN campaigns c ON c.campaign_id = cv.campaign_id
     WHERE cv.campaign_id = :campaign_id::integer AND c.vendor_id = :vendor_id::integer AND fj.is_deleted IS NOT TRUE`,
    input,
  );
  return rows[0] ?? { journeys: 0, converted: 0, avg_seconds_to_conversion: null };
}

export interface AttributionInputRow {
  conversion_event_id: number;
  occurred_at: string;
  currency: string;
  commission_amount: string | null;
  attribution_type: string;
  time_decay_half_life_days: number;
  touch_id: number;
  touch_partner_id: number;
  touch_campaign_version_id: number;
  touch_click_id: number | null;
  touch_occurred_at: string;
  touch_value: string | null;
}

/**
 * The stored journeys (touches) of a campaign's commissionable conversions, one row per touch,
 * for recomputing every attribution model. Rejected conversions earn nothing under any model;
 * milestone bonuses are not attributed (they belong to the partner who reached the milestone).
 */
export async function attributionInputs(sql: SqlExecutor, input: { vendor_id: number; campaign_id: number }): Promise<AttributionInputRow[]> {
  const { rows } = await sql.query<AttributionInputRow & Record<string, unknown>>(
    `SELECT ce.conversion_event_id, ce.occurred_at, ce.currency, ce.commission_amount, ce.attribution_type, cv.time_decay_half_life_days,
            t.touch_id, t.partner_id AS touch_partner_id, t.campaign_version_id AS touch_campaign_version_id,
            t.click_id AS touch_click_id, t.occurred_at AS touch_occurred_at, t.touch_value
     FROM conversion_events ce
     JOIN campaign_versions cv ON cv.campaign_version_id = ce.campaign_version_id
     JOIN touches t ON t.conversion_event_id = ce.conversion_event_id AND t.is_deleted IS NOT TRUE
     WHERE cv.campaign_id = :campaign_id::integer AND ce.vendor_id = :vendor_id::integer
       AND ce.is_deleted IS NOT TRUE AND ce.status <> 'rejected'
       AND ce.metadata ->> 'milestone_bonus' IS NULL
     ORDER BY ce.conversion_event_id, t.occurred_at, t.touch_id`,
    input,
  );
  return rows;
}

/** Display names of partners, for report rows. */
export async function partnerNames(sql: SqlExecutor, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql.query<{ partner_id: number; name: string }>(
    `SELECT partner_id, name FROM partners WHERE partner_id = ANY(:ids::integer[])`,
    { ids },
  );
  return new Map(rows.map((r) => [r.partner_id, r.name]));
}
