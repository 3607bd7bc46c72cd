/**
 * Reads the attribute-conversions consumer needs from Aurora: the event type, a campaign
 * version's attribution terms, a cookie's clicks (after the hot store's clicks were written, so
 * Aurora holds the whole journey), the customer's earlier attribution, and whether the
 * conversion was already recorded. Every statement runs on PGlite, PostgreSQL and the Data API.
 */
import type { AttributionModel } from '../../domain/attribution/index.js';
import { normaliseEmail } from '../../domain/fraud/index.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';

export type EventTypeRow = {
  conversion_event_type_id: number;
  name: string;
  is_commissionable: boolean | null;
  default_commission_type: 'percentage' | 'flat' | null;
  default_commission_value: string | null;
  sort_order: number | null;
};

export type VersionTermsRow = {
  campaign_version_id: number;
  campaign_id: number;
  vendor_id: number;
  attribution_model: AttributionModel;
  time_decay_half_life_days: number;
  cookie_duration_days: number | null;
  default_commission_type: 'percentage' | 'flat' | 'tiered';
  default_commission_value: string | null;
  /** The campaign's ISO 4217 currency: its amounts are in it, and only sales in it earn. */
  currency: string;
};

/** Campaign versions' attribution and commission terms and their campaign's currency, by id, in one statement. */
export async function loadVersionsTerms(sql: SqlExecutor, campaignVersionIds: readonly number[]): Promise<Map<number, VersionTermsRow>> {
  const result = await sql.query<VersionTermsRow>(
    `SELECT cv.campaign_version_id, cv.campaign_id, c.vendor_id, cv.attribution_model, cv.time_decay_half_life_days,
            cv.cookie_duration_days, cv.default_commission_type, cv.default_commission_value, c.currency
     FROM campaign_versions cv JOIN campaigns c ON c.campaign_id = cv.campaign_id
     WHERE cv.campaign_version_id = ANY(:ids::integer[])`,
    { ids: [...new Set(campaignVersionIds)] },
  );
  return new Map(result.rows.map((row) => [Number(row.campaign_version_id), row]));
}

/** A click of a journey as Aurora holds it (click_uuid is the hot store's click id). */
export type AuroraClickRow = {
  click_id: number;
  click_uuid: string;
  cookie_id: string | null;
  partner_id: number;
  campaign_version_id: number;
  campaign_id: number;
  vendor_id: number;
  clicked_at: string;
  user_agent: string | null;
  /** The click's campaign version's terms, read with it (saves a round trip for the attribution). */
  terms: VersionTermsRow;
};

const CLICK_COLUMNS = `
  c.click_id, c.click_uuid::text AS click_uuid, c.cookie_id::text AS cookie_id, c.partner_id, c.campaign_version_id,
  cv.campaign_id, c.vendor_id, c.clicked_at, c.user_agent,
  cv.attribution_model AS terms_attribution_model, cv.time_decay_half_life_days AS terms_time_decay_half_life_days,
  cv.cookie_duration_days AS terms_cookie_duration_days, cv.default_commission_type AS terms_default_commission_type,
  cv.default_commission_value AS terms_default_commission_value,
  (SELECT cc.currency FROM campaigns cc WHERE cc.campaign_id = cv.campaign_id) AS terms_currency,
  (SELECT cc.vendor_id FROM campaigns cc WHERE cc.campaign_id = cv.campaign_id) AS terms_vendor_id`;

type ClickSqlRow = Omit<AuroraClickRow, 'terms'> & {
  terms_attribution_model: AttributionModel;
  terms_time_decay_half_life_days: number;
  terms_cookie_duration_days: number | null;
  terms_default_commission_type: VersionTermsRow['default_commission_type'];
  terms_default_commission_value: string | null;
  terms_currency: string;
  terms_vendor_id: number;
};

function toClickRow(row: ClickSqlRow): AuroraClickRow {
  const {
    terms_attribution_model,
    terms_time_decay_half_life_days,
    terms_cookie_duration_days,
    terms_default_commission_type,
    terms_default_commission_value,
    terms_currency,
    terms_vendor_id,
    ...click
  } = row;
  return {
    ...click,
    terms: {
      campaign_version_id: row.campaign_version_id,
      campaign_id: row.campaign_id,
      vendor_id: terms_vendor_id,
      attribution_model: terms_attribution_model,
      time_decay_half_life_days: terms_time_decay_half_life_days,
      cookie_duration_days: terms_cookie_duration_days,
      default_commission_type: terms_default_commission_type,
      default_commission_value: terms_default_commission_value,
      currency: terms_currency,
    },
  };
}

/** A click by its hot-store id, if Aurora has it. */
export async function findAuroraClick(sql: SqlExecutor, clickUuid: string): Promise<AuroraClickRow | undefined> {
  const result = await sql.query<ClickSqlRow>(
    `SELECT ${CLICK_COLUMNS}
     FROM clicks c JOIN campaign_versions cv ON cv.campaign_version_id = c.campaign_version_id
     WHERE c.click_uuid = :id::uuid AND c.is_deleted IS NOT TRUE
       -- A click the redirect filtered (velocity) earns nothing, even if its id is named.
       AND c.filter_reason IS NULL`,
    { id: clickUuid },
  );
  const row = result.rows[0];
  return row ? toClickRow(row) : undefined;
}

/** A cookie's clicks for one vendor, oldest first. */
/**
 * With `lockEnrollments`, the same statement also locks (in id order, as `lockEnrollments` does)
 * each clicked partner's enrollment of the clicked campaign: the attribution will credit some of
 * them, and locking them here saves the round trip of locking them afterwards.
 */
export async function listAuroraCookieClicks(
  sql: SqlExecutor,
  cookieId: string,
  vendorId: number,
  options: { lockEnrollments?: boolean } = {},
): Promise<AuroraClickRow[]> {
  const lock = options.lockEnrollments
    ? `WITH locked AS (
         SELECT cp.campaign_partner_id FROM campaign_partners cp
         WHERE EXISTS (
           SELECT 1 FROM clicks lc
           JOIN campaign_versions kv ON kv.campaign_version_id = lc.campaign_version_id
           JOIN campaign_versions ev ON ev.campaign_id = kv.campaign_id
           WHERE lc.cookie_id = :cookie::uuid AND lc.vendor_id = :vendor::integer AND lc.is_deleted IS NOT TRUE
             AND ev.campaign_version_id = cp.campaign_version_id AND lc.partner_id = cp.partner_id)
         ORDER BY cp.campaign_partner_id
         FOR UPDATE OF cp)`
    : '';
  const result = await sql.query<ClickSqlRow>(
    `${lock}
     SELECT ${CLICK_COLUMNS}
     FROM clicks c JOIN campaign_versions cv ON cv.campaign_version_id = c.campaign_version_id
     WHERE c.cookie_id = :cookie::uuid AND c.vendor_id = :vendor::integer AND c.is_deleted IS NOT TRUE
       ${options.lockEnrollments ? 'AND (SELECT count(*) FROM locked) >= 0' : ''}
     ORDER BY c.clicked_at, c.click_uuid
     LIMIT 1000`,
    { cookie: cookieId, vendor: vendorId },
  );
  return result.rows.map(toClickRow);
}

export async function findJourneyId(sql: SqlExecutor, cookieId: string): Promise<number | null> {
  const result = await sql.query<{ funnel_journey_id: number }>(
    `SELECT funnel_journey_id FROM funnel_journeys WHERE cookie_id = :cookie::uuid`,
    { cookie: cookieId },
  );
  return result.rows[0]?.funnel_journey_id ?? null;
}

/** The customer's first attribution with this vendor (lifetime binding for renewals). */
export type CustomerBindingRow = {
  conversion_event_id: number;
  partner_id: number;
  campaign_version_id: number;
  campaign_id: number;
  click_id: number | null;
  cookie_id: string | null;
  customer_id: string | null;
  customer_email: string | null;
};

/**
 * The earliest conversion of this vendor by the same customer id or the same normalised email
 * (case, `+tags`, Gmail dots). Emails are matched in code after a domain-narrowed read, because
 * Gmail's rules are not expressible in a plain index lookup. Milestone bonus rows are not
 * customer conversions and are skipped.
 */
export async function findCustomerBinding(
  sql: SqlExecutor,
  input: { vendorId: number; customerId?: string; customerEmail?: string; campaignId?: number },
): Promise<CustomerBindingRow | undefined> {
  if (!input.customerId && !input.customerEmail) return undefined;
  const normalised = input.customerEmail ? normaliseEmail(input.customerEmail) : null;
  const domain = normalised?.split('@')[1] ?? null;
  const domains = domain === 'gmail.com' ? ['gmail.com', 'googlemail.com'] : domain ? [domain] : [];
  const result = await sql.query<CustomerBindingRow>(
    `SELECT ce.conversion_event_id, ce.partner_id, ce.campaign_version_id, cv.campaign_id, ce.click_id,
            ce.cookie_id::text AS cookie_id, ce.customer_id, ce.customer_email
     FROM conversion_events ce JOIN campaign_versions cv ON cv.campaign_version_id = ce.campaign_version_id
     WHERE ce.vendor_id = :vendor::integer
       AND ce.is_deleted IS NOT TRUE
       AND (ce.metadata ->> 'milestone_bonus') IS NULL
       AND (:campaign::integer IS NULL OR cv.campaign_id = :campaign::integer)
       AND ((:customer::text IS NOT NULL AND ce.customer_id = :customer::text)
            OR (ce.customer_email IS NOT NULL AND lower(split_part(ce.customer_email, '@', 2)) = ANY(:domains::text[])))
     ORDER BY ce.occurred_at, ce.conversion_event_id
     LIMIT 500`,
    { vendor: input.vendorId, customer: input.customerId ?? null, domains, campaign: input.campaignId ?? null },
  );
  return result.rows.find(
    (row) =>
      (input.customerId && row.customer_id === input.customerId) ||
      (normalised && row.customer_email && normaliseEmail(row.customer_email) === normalised),
  );
}

/**
 * In one round trip: the event type named by the message (undefined when unknown) and whether
 * this conversion key was already handled (recorded, or stored as unattributed). With
 * `lock`, the same statement first takes `lockTransactionKey`'s lock. Its reads then use the
 * snapshot taken before the lock was granted, so a duplicate committed while it waited is missed
 * here; the writes' unique keys (ON CONFLICT DO NOTHING) still make that one a duplicate, and
 * every later statement of the transaction reads after the lock.
 */
export async function findEventTypeAndRecorded(
  sql: SqlExecutor,
  key: { vendorId: number; source: string; transactionId: string; eventType: string },
  options: { lock?: boolean } = {},
): Promise<{ eventType: EventTypeRow | undefined; alreadyRecorded: boolean }> {
  const result = await sql.query<EventTypeRow & { already_recorded: boolean }>(
    `WITH event_type AS (
       SELECT conversion_event_type_id, name, is_commissionable, default_commission_type,
              default_commission_value, sort_order
       FROM conversion_event_types WHERE name = :typeName AND is_deleted IS NOT TRUE
     )
     SELECT et.*, one.locked,
            (EXISTS (SELECT 1 FROM conversion_events
                     WHERE vendor_id = :vendor::integer AND source = :source AND transaction_id = :tx
                       AND conversion_event_type_id = et.conversion_event_type_id)
             OR EXISTS (SELECT 1 FROM unattributed_conversions
                        WHERE vendor_id = :vendor::integer AND source = :source AND transaction_id = :tx
                          AND event_type = :typeName)) AS already_recorded
     FROM (SELECT ${options.lock ? 'pg_advisory_xact_lock(hashtextextended(:key, 0))' : '1'} AS locked) AS one
     LEFT JOIN event_type et ON true`,
    {
      vendor: key.vendorId,
      source: key.source,
      tx: key.transactionId,
      typeName: key.eventType,
      ...(options.lock ? { key: transactionLockKey(key) } : {}),
    },
  );
  const { already_recorded: alreadyRecorded, locked: _locked, ...row } = result.rows[0]! as EventTypeRow & { already_recorded: boolean; locked: unknown };
  return { eventType: row.conversion_event_type_id === null ? undefined : row, alreadyRecorded: alreadyRecorded === true };
}

/**
 * Serialises everything about one (vendor, source, transaction) - its sale(s), refunds and
 * redeliveries - for the rest of the transaction, so a refund and its sale arriving at the same
 * moment cannot both miss each other.
 */
export async function lockTransactionKey(sql: SqlExecutor, key: { vendorId: number; source: string; transactionId: string }): Promise<void> {
  await sql.query(`SELECT pg_advisory_xact_lock(hashtextextended(:key, 0)) AS locked`, { key: transactionLockKey(key) });
}

const transactionLockKey = (key: { vendorId: number; source: string; transactionId: string }) =>
  `conversion:${key.vendorId}:${key.source}:${key.transactionId}`;

/** Records a provider event id; false when it was already recorded (a redelivery). */
export async function recordWebhookDelivery(
  sql: SqlExecutor,
  input: { provider: string; providerEventId: string; integrationId?: number },
): Promise<boolean> {
  const result = await sql.query(
    `INSERT INTO webhook_deliveries (provider, provider_event_id, integration_id)
     VALUES (:provider, :id, :integration::integer)
     ON CONFLICT (provider, provider_event_id) DO NOTHING
     RETURNING provider_event_id`,
    { provider: input.provider, id: input.providerEventId, integration: input.integrationId ?? null },
  );
  return result.rows.length > 0;
}

