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
import type { RefundEvent } from '../../domain/refunds/index.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import { LEDGER_PAYLOAD_SQL, ledgerParams, ledgerRefundsOf, type LedgerPayload } from './refunds.js';

const date = (value: unknown): Date | null => (typeof value === 'string' ? new Date(value) : null);

export type PartnerRow = {
  partner_id: number;
  email: string;
  tier: string | null;
};

const PARTNERS_SQL = `SELECT partner_id, email, tier FROM partners WHERE partner_id = ANY(:ids::integer[])`;

/**
 * The partner's live overrides on the campaign of `campaignVersionId`, whichever of its versions
 * they sit on: an override follows the enrollment (a campaign edit moves it to the new version),
 * and it applies to a conversion priced on any version of that campaign, e.g. on a click made
 * before the edit (docs/campaign-edits-and-events.md).
 */
type OverrideRow = {
  partner_campaign_override_id: number;
  conversion_event_type_id: number | null;
  event_type_name: string | null;
  commission_type: 'percentage' | 'flat';
  commission_value: string;
  valid_from: string | null;
  valid_until: string | null;
};

// Numbers as text: these statements are also read through jsonb (loadCommissionInputs), where a
// numeric would become a JSON number and lose its scale.
const OVERRIDES_SQL = `SELECT o.partner_campaign_override_id, o.conversion_event_type_id, t.name AS event_type_name,
            o.commission_type, o.commission_value::text AS commission_value, o.valid_from, o.valid_until
     FROM partner_campaign_overrides o
     LEFT JOIN conversion_event_types t ON t.conversion_event_type_id = o.conversion_event_type_id
     WHERE o.partner_id = :partner::integer AND o.is_deleted IS NOT TRUE
       AND o.campaign_version_id IN (
         SELECT same.campaign_version_id FROM campaign_versions priced
         JOIN campaign_versions same ON same.campaign_id = priced.campaign_id
         WHERE priced.campaign_version_id = :version::integer)
     ORDER BY o.partner_campaign_override_id`;

function toOverride(row: OverrideRow): CommissionOverride {
  return {
    partnerCampaignOverrideId: row.partner_campaign_override_id,
    conversionEventTypeId: row.conversion_event_type_id,
    eventTypeName: row.event_type_name,
    commissionType: row.commission_type,
    commissionValue: row.commission_value,
    validFrom: date(row.valid_from),
    validUntil: date(row.valid_until),
  };
}

/** The vendor's rules for this version (or all its versions), first by id; validity is judged by the engine. */
type RuleRow = {
  commission_rule_id: number;
  active: boolean | null;
  valid_from: string | null;
  valid_until: string | null;
  conditions: unknown;
  actions: unknown;
};

const RULES_SQL = `SELECT commission_rule_id, active, valid_from, valid_until, conditions, actions
     FROM commission_rules
     WHERE vendor_id = :vendor::integer AND is_deleted IS NOT TRUE AND active IS TRUE
       AND (campaign_version_id IS NULL OR campaign_version_id = :version::integer)
     ORDER BY commission_rule_id`;

function toRule(row: RuleRow): CommissionRule {
  return {
    commissionRuleId: row.commission_rule_id,
    active: row.active === true,
    validFrom: date(row.valid_from),
    validUntil: date(row.valid_until),
    conditions: row.conditions,
    actions: row.actions,
  };
}

type TierRow = {
  campaign_tier_id: number;
  min_amount: string;
  max_amount: string;
  reward_type: 'percentage' | 'flat';
  reward_value: string;
  reward_id: number | null;
  label: string;
};

const TIERS_SQL = `SELECT campaign_tier_id, min_amount::text AS min_amount, max_amount::text AS max_amount, reward_type,
            reward_value::text AS reward_value, reward_id, label
     FROM campaign_tiers WHERE campaign_version_id = :version::integer AND is_deleted IS NOT TRUE
     ORDER BY campaign_tiers.min_amount, campaign_tier_id`;

function toTier(row: TierRow): CommissionTier {
  return {
    campaignTierId: row.campaign_tier_id,
    minAmount: row.min_amount,
    maxAmount: row.max_amount,
    rewardType: row.reward_type,
    rewardValue: row.reward_value,
    rewardId: row.reward_id,
    label: row.label,
  };
}

const REVENUE_SQL = `SELECT COALESCE(sum(COALESCE(event_value, 0) - refunded_amount), 0)::text AS revenue
     FROM conversion_events
     WHERE partner_id = :partner::integer AND vendor_id = :vendor::integer AND status <> 'rejected' AND currency = :currency
       AND is_deleted IS NOT TRUE AND (metadata ->> 'milestone_bonus') IS NULL
       AND occurred_at >= :from::timestamptz AND occurred_at < :to::timestamptz`;

function revenueParams(input: { partnerId: number; vendorId: number; occurredAt: Date; currency: string }) {
  const monthStart = new Date(Date.UTC(input.occurredAt.getUTCFullYear(), input.occurredAt.getUTCMonth(), 1));
  return { partner: input.partnerId, vendor: input.vendorId, from: monthStart, to: input.occurredAt, currency: input.currency };
}

/**
 * The partner's net sales with this vendor in the calendar month (UTC) of `occurredAt`, before it:
 * the tier input. Judged in event time, so a redelivery months later selects the same tier.
 */
export interface CommissionInputs {
  partners: Map<string, PartnerRow>;
  overrides: CommissionOverride[];
  rules: CommissionRule[];
  tiers: CommissionTier[];
  partnerPeriodRevenueCents: bigint;
  history: { isFirstPurchase: boolean | null; lifetimeValueCents: bigint | null };
  heldRefunds: RefundEvent[];
  /** The version's milestones and the owner's progress BEFORE this conversion (see MilestoneProgress). */
  milestones: MilestoneProgress;
}

/** Milestones of a version, the partner's counted conversions per event type, and the milestones already awarded to it. */
export interface MilestoneProgress {
  milestones: MilestoneRow[];
  counts: Record<string, number>;
  awarded: string[];
}

/**
 * Everything the commission engine reads, in ONE statement (each statement is a Data API call
 * on AWS): the partners, the owner's overrides, the vendor's rules, the version's tiers, the
 * owner's revenue this month, the customer's history and the transaction's refund ledger. The
 * SQL of each read below, each aggregated into a jsonb column.
 */
export async function loadCommissionInputs(
  sql: SqlExecutor,
  input: {
    partnerIds: readonly number[];
    ownerPartnerId: number;
    vendorId: number;
    campaignVersionId: number;
    occurredAt: Date;
    currency: string;
    customerId?: string;
    customerEmail?: string;
    eventValueCents: bigint;
    transaction: { source: string; transactionId: string };
  },
): Promise<CommissionInputs> {
  const rows = (select: string, gate = 'true') => `(SELECT COALESCE(jsonb_agg(q), '[]'::jsonb) FROM (${select}) q WHERE ${gate})`;
  const hasCustomer = Boolean(input.customerId || input.customerEmail);
  const result = await sql.query<{
    partners: PartnerRow[];
    overrides: OverrideRow[];
    rules: RuleRow[];
    tiers: TierRow[];
    revenue: string;
    history: { purchases: number; value: string }[];
    ledger: { payload: LedgerPayload | null }[];
    milestones: MilestoneSqlRow[];
    milestone_counts: { name: string; n: number }[];
    milestones_awarded: { id: string }[];
  }>(
    `SELECT ${rows(PARTNERS_SQL)} AS partners, ${rows(OVERRIDES_SQL)} AS overrides, ${rows(RULES_SQL)} AS rules,
            ${rows(TIERS_SQL)} AS tiers, (${REVENUE_SQL}) AS revenue,
            ${rows(`${HISTORY_SQL} AND :hasCustomer::boolean`)} AS history, ${rows(LEDGER_PAYLOAD_SQL)} AS ledger,
            ${rows(MILESTONES_SQL)} AS milestones, ${rows(MILESTONE_COUNTS_SQL, ANY_MILESTONE_SQL)} AS milestone_counts,
            ${rows(MILESTONES_AWARDED_SQL, ANY_MILESTONE_SQL)} AS milestones_awarded`,
    {
      ids: [...input.partnerIds],
      version: input.campaignVersionId,
      ...revenueParams({ partnerId: input.ownerPartnerId, vendorId: input.vendorId, occurredAt: input.occurredAt, currency: input.currency }),
      ...historyParams({ vendorId: input.vendorId, customerId: input.customerId, customerEmail: input.customerEmail, occurredAt: input.occurredAt, currency: input.currency }),
      hasCustomer,
      ...ledgerParams({ vendorId: input.vendorId, ...input.transaction }),
    },
  );
  const row = result.rows[0]!;
  return {
    partners: new Map(row.partners.map((p) => [String(p.partner_id), p])),
    overrides: row.overrides.map(toOverride),
    rules: row.rules.map(toRule),
    tiers: row.tiers.map(toTier),
    partnerPeriodRevenueCents: parseAmount(row.revenue ?? '0', input.currency),
    history: hasCustomer
      ? historyOf(row.history[0], input.currency, input.eventValueCents)
      : { isFirstPurchase: null, lifetimeValueCents: null },
    heldRefunds: ledgerRefundsOf(row.ledger[0]?.payload ?? null, input.currency),
    milestones: {
      milestones: toMilestones(row.milestones),
      counts: Object.fromEntries(row.milestone_counts.map((c) => [c.name, c.n])),
      awarded: row.milestones_awarded.map((a) => a.id),
    },
  };
}

const HISTORY_SQL = `SELECT count(*)::integer AS purchases,
            COALESCE(sum(COALESCE(event_value, 0) - refunded_amount) FILTER (WHERE currency = :currency), 0)::text AS value
     FROM conversion_events
     WHERE vendor_id = :vendor::integer AND is_deleted IS NOT TRUE AND status <> 'rejected'
       AND (metadata ->> 'milestone_bonus') IS NULL AND COALESCE(event_value, 0) > 0
       AND occurred_at < :at::timestamptz
       AND ((:customer::text IS NOT NULL AND customer_id = :customer::text)
            OR (:email::text IS NOT NULL AND lower(customer_email) = lower(:email::text)))`;

function historyParams(input: { vendorId: number; customerId?: string; customerEmail?: string; occurredAt: Date; currency: string }) {
  return {
    vendor: input.vendorId,
    customer: input.customerId ?? null,
    email: input.customerEmail ?? null,
    at: input.occurredAt,
    currency: input.currency,
  };
}

function historyOf(row: { purchases: number; value: string } | undefined, currency: string, eventValueCents: bigint) {
  return {
    isFirstPurchase: (row?.purchases ?? 0) === 0,
    // The lifetime value is in this sale's currency: purchases in other currencies are not added.
    lifetimeValueCents: parseAmount(row?.value ?? '0', currency) + eventValueCents,
  };
}

export interface MilestoneRow extends Milestone {
  conversionEventTypeId: number | null;
}

type MilestoneSqlRow = {
  campaign_milestone_id: number;
  event_type: string | null;
  target_count: number | null;
  reward_id: number | null;
  name: string;
  reward_type: string | null;
  reward_value: string | null;
  conversion_event_type_id: number | null;
};

const MILESTONES_SQL = `SELECT m.campaign_milestone_id, m.event_type, m.target_count, m.reward_id, m.name, r.reward_type,
            r.reward_value::text AS reward_value, t.conversion_event_type_id
     FROM campaign_milestones m
     LEFT JOIN rewards r ON r.reward_id = m.reward_id AND r.is_deleted IS NOT TRUE
     LEFT JOIN conversion_event_types t ON t.name = m.event_type
     WHERE m.campaign_version_id = :version::integer AND m.is_deleted IS NOT TRUE
     ORDER BY m.campaign_milestone_id`;

function toMilestones(rows: readonly MilestoneSqlRow[]): MilestoneRow[] {
  return rows
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

const MILESTONE_COUNTS_SQL = `SELECT t.name, count(*)::integer AS n
     FROM conversion_events ce JOIN conversion_event_types t ON t.conversion_event_type_id = ce.conversion_event_type_id
     WHERE ce.partner_id = :partner::integer AND ce.campaign_version_id = :version::integer
       AND ce.status <> 'rejected' AND ce.is_deleted IS NOT TRUE AND (ce.metadata ->> 'milestone_bonus') IS NULL
     GROUP BY t.name`;

const MILESTONES_AWARDED_SQL = `SELECT metadata ->> 'campaign_milestone_id' AS id FROM conversion_events
     WHERE vendor_id = :vendor::integer AND partner_id = :partner::integer AND (metadata ->> 'milestone_bonus') = 'true'`;

const ANY_MILESTONE_SQL = `EXISTS (SELECT 1 FROM campaign_milestones WHERE campaign_version_id = :version::integer AND is_deleted IS NOT TRUE)`;
