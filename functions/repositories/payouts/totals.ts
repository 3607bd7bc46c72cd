/**
 * `campaign_partners` totals recomputed from the facts: clicks (via partner_links), and per
 * conversion the partner contributions of `partnerContributions` (functions/domain/conversions):
 * one conversion per credited partner, its weight share of the net sale, its touches' commission.
 * A contribution counts on the partner's enrollment of the touch's CAMPAIGN, whichever version the
 * touch was priced on: a campaign edit moves the enrollment to the new version, and its totals
 * keep counting the conversions of every version (docs/campaign-edits-and-events.md).
 */
import { partnerContributions } from '../../domain/conversions/partner-contributions.js';
import { formatAmount, parseAmount } from '../../domain/money/currency.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface EnrollmentTotals {
  campaign_partner_id: number;
  total_clicks: number;
  total_conversions: number;
  total_revenue: string;
  total_commission_earned: string;
}

interface Computed {
  /** The campaign's currency: revenue and commission are its minor units. */
  currency: string;
  clicks: number;
  conversions: number;
  revenue: bigint;
  commission: bigint;
}

/**
 * What the totals should be, per enrollment, for the enrollments of the campaigns of
 * `campaignVersionIds` (any version of a campaign selects the campaign; all when absent).
 */
export async function computeEnrollmentTotals(sql: SqlExecutor, campaignVersionIds?: number[]): Promise<Map<number, Computed>> {
  const filter = campaignVersionIds
    ? 'AND cv.campaign_id IN (SELECT campaign_id FROM campaign_versions WHERE campaign_version_id = ANY(:versions::integer[]))'
    : '';
  const params = campaignVersionIds ? { versions: campaignVersionIds } : {};
  const { rows: enrollments } = await sql.query<{
    campaign_partner_id: number; partner_id: number; campaign_id: number; clicks: number; currency: string;
  }>(
    `SELECT cp.campaign_partner_id, cp.partner_id, cv.campaign_id,
            (SELECT c.currency FROM campaigns c WHERE c.campaign_id = cv.campaign_id) AS currency,
            (SELECT COUNT(*) FROM clicks c JOIN partner_links pl ON pl.partner_link_id = c.partner_link_id
             WHERE pl.campaign_partner_id = cp.campaign_partner_id AND c.is_deleted IS NOT TRUE
               AND c.filter_reason IS NULL)::integer AS clicks
     FROM campaign_partners cp JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id
     WHERE cp.is_deleted IS NOT TRUE ${filter}`,
    params,
  );
  const result = new Map<number, Computed>();
  const byKey = new Map<string, number>();
  for (const e of enrollments) {
    result.set(Number(e.campaign_partner_id), { currency: e.currency, clicks: Number(e.clicks), conversions: 0, revenue: 0n, commission: 0n });
    byKey.set(`${e.partner_id}|${e.campaign_id}`, Number(e.campaign_partner_id));
  }
  const { rows: touches } = await sql.query<{
    conversion_event_id: number; partner_id: number; campaign_version_id: number; campaign_id: number; touch_value: string | null;
    weight: string | null; net_sale: string; status: string; currency: string;
  }>(
    `SELECT t.conversion_event_id, t.partner_id, t.campaign_version_id, tv.campaign_id, t.touch_value::text AS touch_value,
            t.metadata ->> 'weight' AS weight,
            (COALESCE(ce.event_value, 0) - COALESCE(ce.refunded_amount, 0))::text AS net_sale, ce.status, ce.currency
     FROM touches t JOIN conversion_events ce ON ce.conversion_event_id = t.conversion_event_id
     JOIN campaign_versions tv ON tv.campaign_version_id = t.campaign_version_id
     WHERE t.is_deleted IS NOT TRUE AND ce.is_deleted IS NOT TRUE
     ORDER BY t.conversion_event_id, t.occurred_at, t.touch_id`,
  );
  let i = 0;
  while (i < touches.length) {
    const id = touches[i]!.conversion_event_id;
    const group = [];
    while (i < touches.length && touches[i]!.conversion_event_id === id) group.push(touches[i++]!);
    const campaignOfVersion = new Map(group.map((t) => [Number(t.campaign_version_id), Number(t.campaign_id)]));
    const currency = group[0]!.currency;
    const parseMoney = (value: string) => parseAmount(value, currency);
    const contributions = partnerContributions({
      rejected: group[0]!.status === 'rejected',
      netSaleCents: parseMoney(group[0]!.net_sale),
      touches: group.map((t) => ({
        partnerId: Number(t.partner_id),
        campaignVersionId: Number(t.campaign_version_id),
        weight: /^\d+$/.test(t.weight ?? '') ? BigInt(t.weight!) : 1n,
        value: t.touch_value === null ? 0n : parseMoney(t.touch_value),
      })),
    });
    for (const c of contributions) {
      const enrollment = byKey.get(`${c.partnerId}|${campaignOfVersion.get(Number(c.campaignVersionId))}`);
      const totals = enrollment === undefined ? undefined : result.get(enrollment);
      // Amounts of another currency never add into the campaign's totals (such sales are refused).
      if (!totals || totals.currency !== currency) continue;
      totals.conversions += c.conversions;
      totals.revenue += c.revenueCents;
      totals.commission += c.commissionCents;
    }
  }
  return result;
}

/** Writes the computed totals where they differ; returns the rows fixed, with before and after. */
export async function fixEnrollmentTotals(
  sql: SqlExecutor,
  computed: Map<number, Computed>,
): Promise<Array<{ campaign_partner_id: number; before: Omit<EnrollmentTotals, 'campaign_partner_id'>; after: Omit<EnrollmentTotals, 'campaign_partner_id'> }>> {
  if (computed.size === 0) return [];
  const wanted = [...computed.entries()].map(([id, c]) => ({
    campaign_partner_id: id,
    total_clicks: c.clicks,
    total_conversions: c.conversions,
    total_revenue: formatAmount(c.revenue, c.currency),
    total_commission_earned: formatAmount(c.commission, c.currency),
  }));
  const money = (id: number, value: unknown) => {
    const currency = computed.get(id)?.currency ?? 'USD';
    return formatAmount(parseAmount(String(value ?? '0'), currency), currency);
  };
  const { rows } = await sql.query<Record<string, unknown>>(
    `WITH wanted AS (
       SELECT * FROM jsonb_to_recordset(:rows::jsonb) AS w(campaign_partner_id integer, total_clicks integer, total_conversions integer,
                                                             total_revenue numeric, total_commission_earned numeric)
     ),
     drift AS (
       SELECT cp.campaign_partner_id, cp.total_clicks AS b_clicks, cp.total_conversions AS b_conversions,
              cp.total_revenue AS b_revenue, cp.total_commission_earned AS b_commission
       FROM campaign_partners cp JOIN wanted w ON w.campaign_partner_id = cp.campaign_partner_id
       WHERE COALESCE(cp.total_clicks, 0) <> w.total_clicks OR COALESCE(cp.total_conversions, 0) <> w.total_conversions
          OR COALESCE(cp.total_revenue, 0) <> w.total_revenue OR COALESCE(cp.total_commission_earned, 0) <> w.total_commission_earned
       FOR UPDATE OF cp
     )
     UPDATE campaign_partners cp
     SET total_clicks = w.total_clicks, total_conversions = w.total_conversions, total_revenue = w.total_revenue,
         total_commission_earned = w.total_commission_earned, updated_at = NOW()
     FROM wanted w JOIN drift d ON d.campaign_partner_id = w.campaign_partner_id
     WHERE cp.campaign_partner_id = w.campaign_partner_id
     RETURNING cp.campaign_partner_id, d.b_clicks, d.b_conversions, d.b_revenue::text AS b_revenue, d.b_commission::text AS b_commission,
               cp.total_clicks, cp.total_conversions, cp.total_revenue::text AS total_revenue, cp.total_commission_earned::text AS total_commission_earned`,
    { rows: JSON.stringify(wanted) },
  );
  return rows
    .map((r) => ({
      campaign_partner_id: Number(r.campaign_partner_id),
      before: { total_clicks: Number(r.b_clicks ?? 0), total_conversions: Number(r.b_conversions ?? 0), total_revenue: money(Number(r.campaign_partner_id), r.b_revenue), total_commission_earned: money(Number(r.campaign_partner_id), r.b_commission) },
      after: { total_clicks: Number(r.total_clicks), total_conversions: Number(r.total_conversions), total_revenue: money(Number(r.campaign_partner_id), r.total_revenue), total_commission_earned: money(Number(r.campaign_partner_id), r.total_commission_earned) },
    }))
    .sort((a, b) => a.campaign_partner_id - b.campaign_partner_id);
}

/**
 * `funnel_journeys.total_commission` recomputed from the facts: the commission of the journey's
 * conversions as they stand now (a refund lowers both). Journeys of the campaigns of
 * `campaignVersionIds` (by the journey's own campaign or one of its conversions'), all when absent.
 *
 * Three statements so a consumer's concurrent change is never overwritten: find the drifted
 * journeys, lock them (in id order), then recompute and write them in a new statement, whose
 * snapshot sees whatever a consumer committed before the lock was granted.
 */
export async function fixJourneyCommissions(
  sql: SqlExecutor,
  campaignVersionIds?: number[],
): Promise<Array<{ funnel_journey_id: number; before: string; after: string }>> {
  const inScope = campaignVersionIds
    ? `AND (fj.campaign_version_id IN (SELECT s.campaign_version_id FROM campaign_versions s JOIN campaign_versions g ON g.campaign_id = s.campaign_id
                                         WHERE g.campaign_version_id = ANY(:versions::integer[]))
            OR EXISTS (SELECT 1 FROM conversion_events c JOIN campaign_versions s ON s.campaign_version_id = c.campaign_version_id
                       JOIN campaign_versions g ON g.campaign_id = s.campaign_id
                       WHERE c.funnel_journey_id = fj.funnel_journey_id AND g.campaign_version_id = ANY(:versions::integer[])))`
    : '';
  const drifted = `
    SELECT fj.funnel_journey_id, COALESCE(fj.total_commission, 0) AS before,
           COALESCE((SELECT sum(ce.commission_amount) FROM conversion_events ce
                     WHERE ce.funnel_journey_id = fj.funnel_journey_id AND ce.is_deleted IS NOT TRUE), 0) AS after
    FROM funnel_journeys fj
    WHERE fj.is_deleted IS NOT TRUE AND fj.funnel_journey_id = ANY(:ids::integer[])`;
  const params = campaignVersionIds ? { versions: campaignVersionIds } : {};
  const { rows: candidates } = await sql.query<{ funnel_journey_id: number }>(
    `SELECT d.funnel_journey_id FROM (
       SELECT fj.funnel_journey_id, COALESCE(fj.total_commission, 0) AS before, COALESCE(e.total, 0) AS after
       FROM funnel_journeys fj
       LEFT JOIN (SELECT funnel_journey_id, sum(commission_amount) AS total FROM conversion_events
                  WHERE is_deleted IS NOT TRUE AND funnel_journey_id IS NOT NULL GROUP BY funnel_journey_id) e
         ON e.funnel_journey_id = fj.funnel_journey_id
       WHERE fj.is_deleted IS NOT TRUE ${inScope}
     ) d WHERE d.before <> d.after`,
    params,
  );
  if (candidates.length === 0) return [];
  const ids = candidates.map((c) => Number(c.funnel_journey_id));
  await sql.query(`SELECT funnel_journey_id FROM funnel_journeys WHERE funnel_journey_id = ANY(:ids::integer[]) ORDER BY funnel_journey_id FOR UPDATE`, { ids });
  const { rows } = await sql.query<{ funnel_journey_id: number; before: string; after: string }>(
    `WITH d AS (${drifted})
     UPDATE funnel_journeys fj SET total_commission = d.after
     FROM d WHERE fj.funnel_journey_id = d.funnel_journey_id AND d.before <> d.after
     RETURNING fj.funnel_journey_id, d.before::numeric(12,2)::text AS before, d.after::numeric(12,2)::text AS after`,
    { ids },
  );
  return rows.map((r) => ({ funnel_journey_id: Number(r.funnel_journey_id), before: r.before, after: r.after })).sort((a, b) => a.funnel_journey_id - b.funnel_journey_id);
}

/** Arbitrary constant: the advisory lock a totals rebuild takes for its transaction. */
export const TOTALS_REBUILD_LOCK_KEY = 7_300_452;

/** Serialises a rebuild with itself; held until the transaction ends (`pg_advisory_xact_lock`). */
export async function lockTotalsRebuild(tx: SqlExecutor): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(:key::bigint)`, { key: TOTALS_REBUILD_LOCK_KEY });
}
