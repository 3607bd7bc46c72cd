/**
 * `campaign_partners`: a partner's enrollment in a campaign. An enrollment sits on the campaign's
 * current version (enrollments move with new versions), so there is one per campaign and partner.
 */
import { formatAmount, parseAmount } from '../../domain/money/currency.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface EnrollmentRow {
  campaign_partner_id: number;
  campaign_version_id: number;
  campaign_id: number;
  vendor_id: number;
  partner_id: number;
  status: string;
  application_note: string | null;
  applied_at: string | null;
  approved_at: string | null;
  rejected_at: string | null;
  rejection_reason: string | null;
  approved_by: number | null;
  total_clicks: number;
  total_conversions: number;
  /** The campaign's ISO 4217 currency: the totals are amounts of it. */
  currency: string;
  total_revenue: string;
  total_commission_earned: string;
  last_click_at: string | null;
  last_conversion_at: string | null;
  created_at: string;
  updated_at: string;
}

const columns = `cp.campaign_partner_id, cp.campaign_version_id, cv.campaign_id, c.vendor_id, cp.partner_id, cp.status,
  cp.application_note, cp.applied_at, cp.approved_at, cp.rejected_at, cp.rejection_reason, cp.approved_by, cp.total_clicks,
  cp.total_conversions, c.currency, cp.total_revenue, cp.total_commission_earned, cp.last_click_at, cp.last_conversion_at,
  cp.created_at, cp.updated_at`;

/** Totals in their currency's decimals ("5000" JPY, "10.00" USD; the columns hold 3). */
function withCurrencyAmounts<T extends { currency: string; total_revenue: string | null; total_commission_earned: string | null }>(row: T): T {
  const money = (value: string | null) => formatAmount(parseAmount(value ?? '0', row.currency), row.currency);
  return { ...row, total_revenue: money(row.total_revenue), total_commission_earned: money(row.total_commission_earned) };
}

const from = `FROM campaign_partners cp
  JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id
  JOIN campaigns c ON c.campaign_id = cv.campaign_id`;

export async function insertEnrollment(
  sql: SqlExecutor,
  input: {
    campaign_version_id: number;
    partner_id: number;
    status: 'pending' | 'approved';
    application_note?: string | null;
    approved_by?: number | null;
    now: Date;
  },
): Promise<number> {
  const { rows } = await sql.query<{ campaign_partner_id: number }>(
    `INSERT INTO campaign_partners (campaign_version_id, partner_id, status, application_note, applied_at, approved_at, approved_by,
       created_at, updated_at)
     VALUES (:version_id::integer, :partner_id::integer, :status::text, :note, :now::timestamptz,
       CASE WHEN :status::text = 'approved' THEN :now::timestamptz END, :approved_by::integer, :now::timestamptz, :now::timestamptz)
     RETURNING campaign_partner_id`,
    {
      version_id: input.campaign_version_id,
      partner_id: input.partner_id,
      status: input.status,
      note: input.application_note ?? null,
      approved_by: input.approved_by ?? null,
      now: input.now,
    },
  );
  return rows[0]!.campaign_partner_id;
}

/** An enrollment, scoped to a vendor and/or a partner; undefined outside that scope. */
export async function findEnrollment(
  sql: SqlExecutor,
  input: { campaign_partner_id: number; vendor_id?: number; partner_id?: number; forUpdate?: boolean },
): Promise<EnrollmentRow | undefined> {
  const { rows } = await sql.query<EnrollmentRow & Record<string, unknown>>(
    `SELECT ${columns} ${from}
     WHERE cp.campaign_partner_id = :id::integer AND cp.is_deleted IS NOT TRUE AND c.is_deleted IS NOT TRUE
       AND (:vendor_id::integer IS NULL OR c.vendor_id = :vendor_id::integer)
       AND (:partner_id::integer IS NULL OR cp.partner_id = :partner_id::integer)
     ${input.forUpdate ? 'FOR UPDATE OF cp' : ''}`,
    { id: input.campaign_partner_id, vendor_id: input.vendor_id ?? null, partner_id: input.partner_id ?? null },
  );
  return rows[0] && withCurrencyAmounts(rows[0]);
}

/** The partner's enrollment in a campaign (any version), if any. */
export async function findEnrollmentByCampaign(
  sql: SqlExecutor,
  input: { campaign_id: number; partner_id: number },
): Promise<EnrollmentRow | undefined> {
  const { rows } = await sql.query<EnrollmentRow & Record<string, unknown>>(
    `SELECT ${columns} ${from}
     WHERE cv.campaign_id = :campaign_id::integer AND cp.partner_id = :partner_id::integer AND cp.is_deleted IS NOT TRUE
     ORDER BY cp.campaign_partner_id DESC LIMIT 1`,
    input,
  );
  return rows[0] && withCurrencyAmounts(rows[0]);
}

export async function countApprovedEnrollments(sql: SqlExecutor, campaignId: number): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT COUNT(*)::integer AS n ${from}
     WHERE cv.campaign_id = :id::integer AND cp.status = 'approved' AND cp.is_deleted IS NOT TRUE`,
    { id: campaignId },
  );
  return rows[0]?.n ?? 0;
}

export async function updateEnrollmentStatus(
  sql: SqlExecutor,
  input: { campaign_partner_id: number; status: string; rejection_reason?: string | null; approved_by?: number | null; now: Date },
): Promise<void> {
  await sql.query(
    `UPDATE campaign_partners SET
       status = :status::text,
       approved_at = CASE WHEN :status::text = 'approved' THEN :now::timestamptz ELSE approved_at END,
       approved_by = CASE WHEN :status::text = 'approved' THEN :approved_by::integer ELSE approved_by END,
       rejected_at = CASE WHEN :status::text = 'rejected' THEN :now::timestamptz ELSE rejected_at END,
       rejection_reason = CASE WHEN :status::text = 'rejected' THEN :reason ELSE rejection_reason END,
       updated_at = :now::timestamptz
     WHERE campaign_partner_id = :id::integer`,
    {
      id: input.campaign_partner_id,
      status: input.status,
      reason: input.rejection_reason ?? null,
      approved_by: input.approved_by ?? null,
      now: input.now,
    },
  );
}

export async function listEnrollments(
  sql: SqlExecutor,
  input: { vendor_id?: number; partner_id?: number; campaign_id?: number; status?: string; before_id?: number; limit: number },
): Promise<EnrollmentRow[]> {
  const { rows } = await sql.query<EnrollmentRow & Record<string, unknown>>(
    `SELECT ${columns} ${from}
     WHERE cp.is_deleted IS NOT TRUE AND c.is_deleted IS NOT TRUE
       AND (:vendor_id::integer IS NULL OR c.vendor_id = :vendor_id::integer)
       AND (:partner_id::integer IS NULL OR cp.partner_id = :partner_id::integer)
       AND (:campaign_id::integer IS NULL OR cv.campaign_id = :campaign_id::integer)
       AND (:status::text IS NULL OR cp.status = :status::text)
       AND (:before_id::integer IS NULL OR cp.campaign_partner_id < :before_id::integer)
     ORDER BY cp.campaign_partner_id DESC LIMIT :limit::integer`,
    {
      vendor_id: input.vendor_id ?? null,
      partner_id: input.partner_id ?? null,
      campaign_id: input.campaign_id ?? null,
      status: input.status ?? null,
      before_id: input.before_id ?? null,
      limit: input.limit + 1,
    },
  );
  return rows.map(withCurrencyAmounts);
}

export interface DashboardRow {
  campaign_partner_id: number;
  campaign_id: number;
  campaign_name: string;
  total_clicks: number;
  total_conversions: number;
  currency: string;
  total_revenue: string;
  total_commission_earned: string;
  last_click_at: string | null;
  last_conversion_at: string | null;
  /** Requests redirected but not counted, by reason (`velocity`); bots and HEAD previews are not recorded. */
  filtered_clicks: Record<string, number>;
}

/** The dictionary's partner-dashboard query, plus revenue, campaign id, last click and filtered clicks by reason. */
export async function partnerDashboard(sql: SqlExecutor, partnerId: number): Promise<DashboardRow[]> {
  const { rows } = await sql.query<DashboardRow & Record<string, unknown>>(
    `SELECT cp.campaign_partner_id, cv.campaign_id, cv.name AS campaign_name, cp.total_clicks, cp.total_conversions,
            c.currency, cp.total_revenue, cp.total_commission_earned, cp.last_click_at, cp.last_conversion_at,
            -- Only the filtered rows are read (partial index idx_clicks_filtered, 0010).
            (SELECT COALESCE(jsonb_object_agg(f.filter_reason, f.n), '{}'::jsonb)
             FROM (SELECT ck.filter_reason, count(*)::integer AS n
                   FROM partner_links pl JOIN clicks ck ON ck.partner_link_id = pl.partner_link_id
                   WHERE pl.campaign_partner_id = cp.campaign_partner_id AND ck.filter_reason IS NOT NULL AND ck.is_deleted IS NOT TRUE
                   GROUP BY ck.filter_reason) f) AS filtered_clicks
     FROM campaign_partners cp
     JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id
     JOIN campaigns c ON c.campaign_id = cv.campaign_id
     WHERE cp.partner_id = :partner_id::integer AND cp.status = 'approved' AND cp.is_deleted IS NOT TRUE
     ORDER BY cp.campaign_partner_id`,
    { partner_id: partnerId },
  );
  return rows.map(withCurrencyAmounts);
}
