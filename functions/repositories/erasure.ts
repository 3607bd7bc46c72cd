/**
 * GDPR erasure SQL: pseudonymises one person's PII (by e-mail, or by a vendor's customer id) in
 * leads, conversion_events, funnel_journeys, the clicks of their journeys (IP, user agent) and the
 * audit rows about their conversions (IP, through the maintenance switch). Amounts, statuses and
 * ids stay: the books still reconcile. Pseudonyms are `erased:<md5>`, stable per person, so
 * counts per customer survive without the identifier.
 */
import type { SqlExecutor } from '../ports/sql-executor.js';

export interface ErasureSubject {
  email?: string;
  vendorId?: number;
  customerId?: string;
}

export interface ErasureCounts {
  conversions: number;
  leads: number;
  funnel_journeys: number;
  clicks: number;
  audit_logs: number;
  unattributed_conversions: number;
  /** Cookies of the person's journeys and conversions: the hot store's click items to delete. */
  cookie_ids: string[];
}

/** Run inside a transaction: `SET LOCAL` lasts until its end. */
export async function erasePerson(tx: SqlExecutor, subject: ErasureSubject): Promise<ErasureCounts> {
  await tx.query(`SELECT set_config('app.audit_maintenance', 'on', true)`);
  const params = { email: subject.email?.toLowerCase() ?? null, vendor: subject.vendorId ?? null, customer: subject.customerId ?? null };
  const match = `((:email::text IS NOT NULL AND lower(customer_email) = :email::text)
               OR (:vendor::integer IS NOT NULL AND vendor_id = :vendor::integer AND customer_id = :customer::text))`;
  const { rows } = await tx.query<{ conversion_event_id: number; cookie_id: string | null; funnel_journey_id: number | null; lead_id: number | null }>(
    `SELECT conversion_event_id, cookie_id::text AS cookie_id, funnel_journey_id, lead_id FROM conversion_events WHERE ${match} FOR UPDATE`,
    params,
  );
  const conversionIds = rows.map((r) => Number(r.conversion_event_id));
  const journeys = await tx.query<{ funnel_journey_id: number; cookie_id: string }>(
    `SELECT funnel_journey_id, cookie_id::text AS cookie_id FROM funnel_journeys
     WHERE funnel_journey_id = ANY(:ids::integer[])
        OR (:email::text IS NOT NULL AND lower(customer_email) = :email::text)
        OR (:customer::text IS NOT NULL AND customer_id = :customer::text
            AND campaign_version_id IN (SELECT cv.campaign_version_id FROM campaign_versions cv JOIN campaigns c ON c.campaign_id = cv.campaign_id WHERE c.vendor_id = :vendor::integer))`,
    { ...params, ids: rows.map((r) => r.funnel_journey_id).filter((x): x is number => x !== null) },
  );
  const journeyIds = journeys.rows.map((r) => Number(r.funnel_journey_id));
  const cookieIds = [...new Set([...rows.map((r) => r.cookie_id), ...journeys.rows.map((r) => r.cookie_id)].filter((x): x is string => !!x))];
  const leadIds = rows.map((r) => r.lead_id).filter((x): x is number => x !== null);

  const conversions = await tx.query(
    `UPDATE conversion_events
     SET customer_email = CASE WHEN customer_email IS NULL THEN NULL ELSE 'erased:' || md5(lower(customer_email)) END,
         customer_id = CASE WHEN customer_id IS NULL THEN NULL ELSE 'erased:' || md5(customer_id) END
     WHERE conversion_event_id = ANY(:ids::bigint[])`,
    { ids: conversionIds },
  );
  const leads = await tx.query(
    `UPDATE leads SET first_name = NULL, last_name = NULL, phone = NULL,
            email = CASE WHEN email IS NULL THEN NULL ELSE 'erased:' || md5(lower(email)) END, updated_at = NOW()
     WHERE lead_id = ANY(:ids::bigint[]) OR (:email::text IS NOT NULL AND lower(email) = :email::text)`,
    { ids: leadIds, email: params.email },
  );
  const funnel = await tx.query(
    `UPDATE funnel_journeys
     SET customer_email = CASE WHEN customer_email IS NULL THEN NULL ELSE 'erased:' || md5(lower(customer_email)) END,
         customer_id = CASE WHEN customer_id IS NULL THEN NULL ELSE 'erased:' || md5(customer_id) END
     WHERE funnel_journey_id = ANY(:ids::integer[])`,
    { ids: journeyIds },
  );
  const clicks = await tx.query(
    `UPDATE clicks SET ip_address = NULL, user_agent = NULL WHERE cookie_id = ANY(:cookies::uuid[])`,
    { cookies: cookieIds },
  );
  const audits = await tx.query(
    `UPDATE audit_logs SET ip_address = NULL
     WHERE entity_type = 'conversion_events' AND entity_id = ANY(:ids::bigint[]) AND ip_address IS NOT NULL`,
    { ids: conversionIds },
  );
  const unattributed = params.email
    ? await tx.query(
        `UPDATE unattributed_conversions SET payload = payload - 'customer_email' - 'email'
         WHERE lower(payload ->> 'customer_email') = :email::text OR lower(payload ->> 'email') = :email::text`,
        { email: params.email },
      )
    : { rowCount: 0 };
  return {
    conversions: conversions.rowCount,
    leads: leads.rowCount,
    funnel_journeys: funnel.rowCount,
    clicks: clicks.rowCount,
    audit_logs: audits.rowCount,
    unattributed_conversions: unattributed.rowCount,
    cookie_ids: cookieIds,
  };
}
