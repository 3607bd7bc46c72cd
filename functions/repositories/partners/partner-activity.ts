/**
 * What a partner reads about their own results: the conversions they have a share in (a touch,
 * or the credit itself when no touches were written) and their activity per day of their time zone. Always
 * scoped by the partner; other partners' shares of the same sale are never returned.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface PartnerConversionRow {
  conversion_event_id: number;
  campaign_id: number;
  campaign_name: string;
  event_type: string;
  status: string;
  event_value: string | null;
  currency: string;
  refunded_amount: string;
  commission_amount: string | null;
  attribution_type: string;
  /** Touches of the sale, every partner's (the split's size). */
  touch_count: number;
  /** This partner's touches of the sale. */
  partner_touch_count: number;
  /** This partner's part of `commission_amount`: their touches' sum, or all of it when credited without touches. */
  partner_commission: string | null;
  occurred_at: string;
  approved_at: string | null;
  rejection_reason: string | null;
}

/** The partner's part of a conversion, as SQL over `ce` (used by both reads so they agree). */
const partnerShare = `CASE
    WHEN EXISTS (SELECT 1 FROM touches t WHERE t.conversion_event_id = ce.conversion_event_id AND t.is_deleted IS NOT TRUE)
      THEN (SELECT sum(t.touch_value) FROM touches t
            WHERE t.conversion_event_id = ce.conversion_event_id AND t.partner_id = :partner_id::integer AND t.is_deleted IS NOT TRUE)
    WHEN ce.partner_id = :partner_id::integer THEN ce.commission_amount
  END`;

const involvesPartner = `(ce.partner_id = :partner_id::integer OR EXISTS (
    SELECT 1 FROM touches t WHERE t.conversion_event_id = ce.conversion_event_id AND t.partner_id = :partner_id::integer AND t.is_deleted IS NOT TRUE))`;

/** A page of the partner's conversions, newest first (keyset on the id); fetches `limit + 1`. */
export async function listPartnerConversions(
  sql: SqlExecutor,
  input: { partner_id: number; status?: string; before_id?: number; limit: number },
): Promise<PartnerConversionRow[]> {
  const { rows } = await sql.query<PartnerConversionRow & Record<string, unknown>>(
    `SELECT ce.conversion_event_id, cv.campaign_id, cv.name AS campaign_name, cet.name AS event_type, ce.status, ce.event_value,
            ce.currency, ce.refunded_amount, ce.commission_amount, ce.attribution_type,
            (SELECT count(*)::integer FROM touches t WHERE t.conversion_event_id = ce.conversion_event_id AND t.is_deleted IS NOT TRUE) AS touch_count,
            (SELECT count(*)::integer FROM touches t
             WHERE t.conversion_event_id = ce.conversion_event_id AND t.partner_id = :partner_id::integer AND t.is_deleted IS NOT TRUE) AS partner_touch_count,
            ${partnerShare} AS partner_commission,
            ce.occurred_at, ce.approved_at, ce.rejection_reason
     FROM conversion_events ce
     JOIN conversion_event_types cet ON cet.conversion_event_type_id = ce.conversion_event_type_id
     JOIN campaign_versions cv ON cv.campaign_version_id = ce.campaign_version_id
     WHERE ce.is_deleted IS NOT TRUE AND ${involvesPartner}
       AND (:status::text IS NULL OR ce.status = :status::text)
       AND (:before_id::bigint IS NULL OR ce.conversion_event_id < :before_id::bigint)
     ORDER BY ce.conversion_event_id DESC
     LIMIT :limit::integer`,
    { partner_id: input.partner_id, status: input.status ?? null, before_id: input.before_id ?? null, limit: input.limit + 1 },
  );
  return rows;
}

export interface PartnerDailyCounts {
  /** Local date in the requested time zone, `YYYY-MM-DD`. */
  day: string;
  clicks: number;
  conversions: number;
}

export interface PartnerDailyEarning {
  day: string;
  currency: string;
  /** The partner's commission of the day's non-rejected conversions, exact NUMERIC text. */
  commission: string;
}

/**
 * The columns are TIMESTAMP holding UTC: read as UTC first, then shown in the partner's zone, so
 * PostgreSQL's tzdata decides each local day (DST days are 23 or 25 hours long).
 */
const localDayOf = (column: string) => `((${column} AT TIME ZONE 'UTC') AT TIME ZONE :time_zone::text)`;

/**
 * `column` on a local day of the window. The UTC range around it (a day either side covers every
 * offset, -12 h to +14 h) lets the (…, clicked_at / occurred_at) indexes narrow the rows first.
 */
const inLocalWindow = (column: string) =>
  `${column} >= :first_day::date - 1 AND ${column} < :last_day::date + 2
   AND ${localDayOf(column)}::date BETWEEN :first_day::date AND :last_day::date`;

const localDayText = (column: string) => `to_char(${localDayOf(column)}::date, 'YYYY-MM-DD')`;

/**
 * Counted clicks (not filtered) and conversions per local day of `time_zone` (an IANA name the
 * caller has validated) from `first_day` to `last_day` (`YYYY-MM-DD`, both included), and the
 * partner's earnings per day and currency. Days without activity are absent.
 */
export async function partnerDailyActivity(
  sql: SqlExecutor,
  input: { partner_id: number; first_day: string; last_day: string; time_zone: string },
): Promise<{ counts: PartnerDailyCounts[]; earnings: PartnerDailyEarning[] }> {
  const params = { partner_id: input.partner_id, first_day: input.first_day, last_day: input.last_day, time_zone: input.time_zone };
  const [clicks, conversions, earnings] = await Promise.all([
    sql.query<{ day: string; n: number }>(
      `SELECT ${localDayText('ck.clicked_at')} AS day, count(*)::integer AS n
       FROM clicks ck
       JOIN partner_links pl ON pl.partner_link_id = ck.partner_link_id
       JOIN campaign_partners cp ON cp.campaign_partner_id = pl.campaign_partner_id
       WHERE cp.partner_id = :partner_id::integer AND ck.is_deleted IS NOT TRUE AND ck.filter_reason IS NULL
         AND ${inLocalWindow('ck.clicked_at')}
       GROUP BY 1 ORDER BY 1`,
      params,
    ),
    sql.query<{ day: string; n: number }>(
      `SELECT ${localDayText('ce.occurred_at')} AS day, count(*)::integer AS n
       FROM conversion_events ce
       WHERE ce.is_deleted IS NOT TRUE AND ${involvesPartner}
         AND ${inLocalWindow('ce.occurred_at')}
       GROUP BY 1 ORDER BY 1`,
      params,
    ),
    sql.query<{ day: string; currency: string; commission: string }>(
      `SELECT day, currency, sum(share)::text AS commission
       FROM (SELECT ${localDayText('ce.occurred_at')} AS day, ce.currency, ${partnerShare} AS share
             FROM conversion_events ce
             WHERE ce.is_deleted IS NOT TRUE AND ce.status <> 'rejected' AND ${involvesPartner}
               AND ${inLocalWindow('ce.occurred_at')}) s
       WHERE share IS NOT NULL
       GROUP BY day, currency ORDER BY day, currency`,
      params,
    ),
  ]);
  const byDay = new Map<string, PartnerDailyCounts>();
  const entry = (day: string) => byDay.get(day) ?? byDay.set(day, { day, clicks: 0, conversions: 0 }).get(day)!;
  for (const row of clicks.rows) entry(row.day).clicks = Number(row.n);
  for (const row of conversions.rows) entry(row.day).conversions = Number(row.n);
  return {
    counts: [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)),
    earnings: earnings.rows.map((row) => ({ day: row.day, currency: row.currency.trim(), commission: row.commission })),
  };
}
