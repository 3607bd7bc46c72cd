/**
 * Loads what the commission engine needs for one partner and campaign version: the partner
 * (tier, email), its overrides, the vendor's rules, the version's tiers and default, the
 * partner's revenue this calendar month, the customer's history (first purchase, lifetime
 * value) and milestones. Converts SQL rows into the domain's types; decides nothing.
 */
import type {
  CommissionOverride,
  CommissionRule,
  CommissionTier,
  Milestone,
} from '../../domain/commissions/index.js';
import { parseAmount } from '../../domain/money/currency.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';

const date = (value: unknown): Date | null => (typeof value === 'string' ? new Date(value) : null);

export type PartnerRow = {
  partner_id: number;
  email: string;
  tier: string | null;
};

export async function loadPartners(sql: SqlExecutor, partnerIds: readonly number[]): Promise<Map<string, PartnerRow>> {
  const result = await sql.query<PartnerRow>(
    `SELECT partner_id, email, tier FROM partners WHERE partner_id = ANY(:ids::integer[])`,
    { ids: [...partnerIds] },
  );
  return new Map(result.rows.map((row) => [String(row.partner_id), row]));
}

/**
 * The partner's live overrides on the campaign of `campaignVersionId`, whichever of its versions
 * they sit on: an override follows the enrollment (a campaign edit moves it to the new version),
 * and it applies to a conversion priced on any version of that campaign, e.g. on a click made
 * before the edit (docs/campaign-edits-and-events.md).
 */
export async function loadOverrides(sql: SqlExecutor, partnerId: number, campaignVersionId: number): Promise<CommissionOverride[]> {
  const result = await sql.query<{
    partner_campaign_override_id: number;
    conversion_event_type_id: number | null;
    event_type_name: string | null;
    commission_type: 'percentage' | 'flat';
    commission_value: string;
    valid_from: string | null;
    valid_until: string | null;
  }>(
    `SELECT o.partner_campaign_override_id, o.conversion_event_type_id, t.name AS event_type_name,
            o.commission_type, o.commission_value, o.valid_from, o.valid_until
     FROM partner_campaign_overrides o
     LEFT JOIN conversion_event_types t ON t.conversion_event_type_id = o.conversion_event_type_id
     WHERE o.partner_id = :partner::integer AND o.is_deleted IS NOT TRUE
       AND o.campaign_version_id IN (
         SELECT same.campaign_version_id FROM campaign_versions priced
         JOIN campaign_versions same ON same.campaign_id = priced.campaign_id
         WHERE priced.campaign_version_id = :version::integer)
     ORDER BY o.partner_campaign_override_id`,
    { partner: partnerId, version: campaignVersionId },
  );
  return result.rows.map((row) => ({
    partnerCampaignOverrideId: row.partner_campaign_override_id,
    conversionEventTypeId: row.conversion_event_type_id,
    eventTypeName: row.event_type_name,
    commissionType: row.commission_type,
    commissionValue: row.commission_value,
    validFrom: date(row.valid_from),
    validUntil: date(row.valid_until),
  }));
}

/** The vendor's rules for this version (or all its versions), first by id; validity is judged by the engine. */
export async function loadRules(sql: SqlExecutor, vendorId: number, campaignVersionId: number): Promise<CommissionRule[]> {
  const result = await sql.query<{
    commission_rule_id: number;
    active: boolean | null;
    valid_from: string | null;
    valid_until: string | null;
    conditions: unknown;
    actions: unknown;
  }>(
    `SELECT commission_rule_id, active, valid_from, valid_until, conditions, actions
     FROM commission_rules
     WHERE vendor_id = :vendor::integer AND is_deleted IS NOT TRUE AND active IS TRUE
       AND (campaign_version_id IS NULL OR campaign_version_id = :version::integer)
     ORDER BY commission_rule_id`,
    { vendor: vendorId, version: campaignVersionId },
  );
  return result.rows.map((row) => ({
    commissionRuleId: row.commission_rule_id,
    active: row.active === true,
    validFrom: date(row.valid_from),
    validUntil: date(row.valid_until),
    conditions: row.conditions,
    actions: row.actions,
  }));
}

export async function loadTiers(sql: SqlExecutor, campaignVersionId: number): Promise<CommissionTier[]> {
  const result = await sql.query<{
    campaign_tier_id: number;
    min_amount: string;
    max_amount: string;
    reward_type: 'percentage' | 'flat';
    reward_value: string;
    reward_id: number | null;
    label: string;
  }>(
    `SELECT campaign_tier_id, min_amount, max_amount, reward_type, reward_value, reward_id, label
     FROM campaign_tiers WHERE campaign_version_id = :version::integer AND is_deleted IS NOT TRUE
     ORDER BY min_amount, campaign_tier_id`,
    { version: campaignVersionId },
  );
  return result.rows.map((row) => ({
    campaignTierId: row.campaign_tier_id,
    minAmount: row.min_amount,
    maxAmount: row.max_amount,
    rewardType: row.reward_type,
    rewardValue: row.reward_value,
    rewardId: row.reward_id,
    label: row.label,
  }));
}

/**
 * The partner's net sales with this vendor in the calendar month (UTC) of `occurredAt`, before it:
 * the tier input. Judged in event time, so a redelivery months later selects the same tier.
 */
export async function partnerMonthRevenueCents(
  sql: SqlExecutor,
  input: { partnerId: number; vendorId: number; occurredAt: Date; currency: string },
): Promise<bigint> {
  const monthStart = new Date(Date.UTC(input.occurredAt.getUTCFullYear(), input.occurredAt.getUTCMonth(), 1));
  const result = await sql.query<{ revenue: string }>(
    `SELECT COALESCE(sum(COALESCE(event_value, 0) - refunded_amount), 0)::text AS revenue
     FROM conversion_events
     WHERE partner_id = :partner::integer AND vendor_id = :vendor::integer AND status <> 'rejected' AND currency = :currency
       AND is_deleted IS NOT TRUE AND (metadata ->> 'milestone_bonus') IS NULL
       AND occurred_at >= :from::timestamptz AND occurred_at < :to::timestamptz`,
    { partner: input.partnerId, vendor: input.vendorId, from: monthStart, to: input.occurredAt, currency: input.currency },
  );
  // Only sales in the tiers' own currency count towards them: amounts of two currencies never add.
  return parseAmount(result.rows[0]?.revenue ?? '0', input.currency);
}

/**
 * The customer's earlier purchases with this vendor: whether this is the first, and the lifetime
 * value including this sale. Both null when the message names no customer.
 */
export async function customerHistory(
  sql: SqlExecutor,
  input: { vendorId: number; customerId?: string; customerEmail?: string; occurredAt: Date; eventValueCents: bigint; currency: string },
): Promise<{ isFirstPurchase: boolean | null; lifetimeValueCents: bigint | null }> {
  if (!input.customerId && !input.customerEmail) return { isFirstPurchase: null, lifetimeValueCents: null };
  const result = await sql.query<{ purchases: number; value: string }>(
    `SELECT count(*)::integer AS purchases,
            COALESCE(sum(COALESCE(event_value, 0) - refunded_amount) FILTER (WHERE currency = :currency), 0)::text AS value
     FROM conversion_events
     WHERE vendor_id = :vendor::integer AND is_deleted IS NOT TRUE AND status <> 'rejected'
       AND (metadata ->> 'milestone_bonus') IS NULL AND COALESCE(event_value, 0) > 0
       AND occurred_at < :at::timestamptz
       AND ((:customer::text IS NOT NULL AND customer_id = :customer::text)
            OR (:email::text IS NOT NULL AND lower(customer_email) = lower(:email::text)))`,
    {
      vendor: input.vendorId,
      customer: input.customerId ?? null,
      email: input.customerEmail ?? null,
      at: input.occurredAt,
      currency: input.currency,
    },
  );
  const row = result.rows[0];
  return {
    isFirstPurchase: (row?.purchases ?? 0) === 0,
    // The lifetime value is in this sale's currency: purchases in other currencies are not added.
    lifetimeValueCents: parseAmount(row?.value ?? '0', input.currency) + input.eventValueCents,
  };
}

export interface MilestoneRow extends Milestone {
  conversionEventTypeId: number | null;
}

export async function loadMilestones(sql: SqlExecutor, campaignVersionId: number): Promise<MilestoneRow[]> {
  const result = await sql.query<{
    campaign_milestone_id: number;
    event_type: string | null;
    target_count: number | null;
    reward_id: number | null;
    name: string;
    reward_type: string | null;
    reward_value: string | null;
    conversion_event_type_id: number | null;
  }>(
    `SELECT m.campaign_milestone_id, m.event_type, m.target_count, m.reward_id, m.name, r.reward_type, r.reward_value,
            t.conversion_event_type_id
     FROM campaign_milestones m
     LEFT JOIN rewards r ON r.reward_id = m.reward_id AND r.is_deleted IS NOT TRUE
     LEFT JOIN conversion_event_types t ON t.name = m.event_type
     WHERE m.campaign_version_id = :version::integer AND m.is_deleted IS NOT TRUE
     ORDER BY m.campaign_milestone_id`,
    { version: campaignVersionId },
  );
  return result.rows
    .filter((row) => row.event_type && row.target_count)
    .map((row) => ({
      campaignMilestoneId: row.campaign_milestone_id,
      eventType: row.event_type!,
      targetCount: row.target_count!,
      rewardId: row.reward_id,
      name: row.name,
      // A percentage reward has no amount without a sale: the milestone is recorded, earning nothing.
      rewardValue: row.reward_type === 'flat' ? row.reward_value : null,
      conversionEventTypeId: row.conversion_event_type_id,
    }));
}

/** The partner's counted conversions per event type in this version (this one included), and milestones already awarded. */
export async function milestoneProgress(
  sql: SqlExecutor,
  input: { partnerId: number; campaignVersionId: number; vendorId: number },
): Promise<{ counts: Record<string, number>; awarded: string[] }> {
  const counts = await sql.query<{ name: string; n: number }>(
    `SELECT t.name, count(*)::integer AS n
     FROM conversion_events ce JOIN conversion_event_types t ON t.conversion_event_type_id = ce.conversion_event_type_id
     WHERE ce.partner_id = :partner::integer AND ce.campaign_version_id = :version::integer
       AND ce.status <> 'rejected' AND ce.is_deleted IS NOT TRUE AND (ce.metadata ->> 'milestone_bonus') IS NULL
     GROUP BY t.name`,
    { partner: input.partnerId, version: input.campaignVersionId },
  );
  const awarded = await sql.query<{ id: string }>(
    `SELECT metadata ->> 'campaign_milestone_id' AS id FROM conversion_events
     WHERE vendor_id = :vendor::integer AND partner_id = :partner::integer AND (metadata ->> 'milestone_bonus') = 'true'`,
    { vendor: input.vendorId, partner: input.partnerId },
  );
  return {
    counts: Object.fromEntries(counts.rows.map((row) => [row.name, row.n])),
    awarded: awarded.rows.map((row) => row.id),
  };
}
