/**
 * GDPR erasure SQL: pseudonymises one person's PII (by e-mail, or by a vendor's customer id) in
 * leads, conversion_events, funnel_journeys, the clicks of their journeys (IP, user agent) and the
 * audit rows about their conversions (IP, through the maintenance switch). Amounts, statuses and
 * ids stay: the books still reconcile. Pseudonyms are `erased:<md5>`, stable per person, so
 * counts per customer survive without the identifier.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

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

export interface PartnerErasureCounts {
  partners: number;
  payment_methods: number;
  payouts: number;
  api_keys_revoked: number;
  audit_logs: number;
}

/** Keys of audit `changes` documents (before/after) that identify a partner or its bank. */
const partnerIdentityKeys = ['name', 'email', 'bio', 'website_url', 'phone', 'account_details', 'provider_account_id'];

/**
 * Removes one partner's identity, keeping its money history (docs/privacy-and-retention.md
 * "Erasure"): name and email become placeholders unique to the id (the columns are NOT NULL and
 * email UNIQUE), bio and website go, the partner is soft-deleted (its keys stop, its links stop
 * with the caller's write-through); payment methods lose every account detail but stay, since its
 * payouts reference them; payouts keep amounts, periods, statuses and the provider's transaction
 * id but lose the provider's raw response (it may echo the payee); audit rows about the partner,
 * its methods and keys lose those fields from `changes`, and the partner's own requests lose
 * their IP. Run inside a transaction (the audit maintenance switch is SET LOCAL).
 */
export async function erasePartnerIdentity(tx: SqlExecutor, input: { partnerId: number; now: Date }): Promise<PartnerErasureCounts | undefined> {
  const partner = await tx.query(`SELECT partner_id FROM partners WHERE partner_id = :id::integer FOR UPDATE`, { id: input.partnerId });
  if (partner.rowCount === 0) return undefined;
  await tx.query(`SELECT set_config('app.audit_maintenance', 'on', true)`);
  const params = { id: input.partnerId, now: input.now };
  // The web app's sign-in records (0014) keep the address too: its sessions end, its links die,
  // and its opt-out follows it to the placeholder (still no notices). Before the partners UPDATE,
  // which replaces the address these statements look for.
  await erasePartnerSignIn(tx, params);
  const partners = await tx.query(
    `UPDATE partners SET name = 'erased partner ' || partner_id, email = 'erased+' || partner_id || '@erased.invalid',
            bio = NULL, website_url = NULL, status = CASE WHEN status = 'active' THEN 'suspended' ELSE status END,
            is_deleted = TRUE, deleted_at = COALESCE(deleted_at, :now::timestamptz), updated_at = :now::timestamptz
     WHERE partner_id = :id::integer`,
    params,
  );
  const methods = await tx.query(
    `UPDATE partner_payment_methods SET provider_account_id = NULL, account_details = '{"erased": true}'::jsonb, account_details_encrypted = NULL,
            is_default = FALSE, is_deleted = TRUE, deleted_at = COALESCE(deleted_at, :now::timestamptz), updated_at = :now::timestamptz
     WHERE partner_id = :id::integer`,
    params,
  );
  const payouts = await tx.query(`UPDATE payouts SET provider_response = NULL WHERE partner_id = :id::integer AND provider_response IS NOT NULL`, params);
  const keys = await tx.query(`UPDATE api_keys SET revoked_at = :now::timestamptz WHERE partner_id = :id::integer AND revoked_at IS NULL`, params);
  const audits = await tx.query(
    `UPDATE audit_logs a SET
       changes = (SELECT CASE WHEN jsonb_typeof(c -> 'after') = 'object' THEN jsonb_set(c, '{after}', (c -> 'after') - :keys::text[]) ELSE c END
                  FROM (SELECT CASE WHEN jsonb_typeof(a.changes -> 'before') = 'object'
                                    THEN jsonb_set(a.changes, '{before}', (a.changes -> 'before') - :keys::text[]) ELSE a.changes END AS c) x),
       ip_address = CASE WHEN a.actor_type = 'partner' AND a.actor_id = :id::integer THEN NULL ELSE a.ip_address END
     WHERE (a.entity_type = 'partners' AND a.entity_id = :id::integer)
        OR (a.entity_type = 'partner_payment_methods' AND a.entity_id IN (SELECT partner_payment_method_id FROM partner_payment_methods WHERE partner_id = :id::integer))
        OR (a.entity_type = 'api_keys' AND a.entity_id IN (SELECT api_key_id FROM api_keys WHERE partner_id = :id::integer))
        OR (a.actor_type = 'partner' AND a.actor_id = :id::integer AND a.ip_address IS NOT NULL)`,
    { id: input.partnerId, keys: partnerIdentityKeys },
  );
  return {
    partners: partners.rowCount,
    payment_methods: methods.rowCount,
    payouts: payouts.rowCount,
    api_keys_revoked: keys.rowCount,
    audit_logs: audits.rowCount,
  };
}

/** Erasure's part of the web sign-in tables: address and IPs replaced, sessions revoked, links used up. */
async function erasePartnerSignIn(tx: SqlExecutor, params: { id: number; now: Date }): Promise<void> {
  const placeholder = `'erased+' || :id::integer || '@erased.invalid'`;
  const address = `(SELECT lower(email) FROM partners WHERE partner_id = :id::integer)`;
  await tx.query(
    `UPDATE web_sessions SET email = ${placeholder}, ip_address = NULL, revoked_at = COALESCE(revoked_at, :now::timestamptz)
     WHERE partner_id = :id::integer`,
    params,
  );
  await tx.query(
    `UPDATE auth_tokens SET email = ${placeholder}, requested_ip = NULL, used_at = COALESCE(used_at, :now::timestamptz)
     WHERE partner_id = :id::integer`,
    params,
  );
  await tx.query(`UPDATE email_unsubscribe_tokens SET email = ${placeholder} WHERE email = ${address}`, { id: params.id });
  await tx.query(`UPDATE email_opt_outs SET email = ${placeholder} WHERE email = ${address}`, { id: params.id });
}
