/** Identifiers stay opaque (SERIAL integers in Aurora, strings in tests or messages). */
export type Id = string | number;

/** How a commission value is read: `percentage` 10.00 = 10 % of the sale, `flat` 10.00 = $10.00. */
export type CommissionType = 'percentage' | 'flat';

/** Where a commission came from, by precedence (most specific first). */
export type CommissionSource =
  | 'override'
  | 'rule'
  | 'tier'
  | 'campaign_default'
  | 'event_type_default'
  | 'not_commissionable';

/** The conversion being commissioned. */
export interface CommissionEvent {
  /** Event type name (`sale`, `signup`...), matched by the `event_types` rule condition. */
  eventType: string;
  /** Sale amount in cents; `null`/absent for events without a value (a percentage of it is 0). */
  eventValueCents?: bigint | null;
  /** `occurred_at`: overrides, rules and date ranges are judged at this instant. */
  occurredAt: Date;
  isFirstPurchase?: boolean | null;
  customerLifetimeValueCents?: bigint | null;
}

/** A `conversion_event_types` row. Values are DECIMAL strings as read from SQL. */
export interface CommissionEventType {
  conversionEventTypeId?: Id | null;
  name: string;
  isCommissionable: boolean;
  defaultCommissionType?: CommissionType | null;
  defaultCommissionValue?: string | null;
}

export interface CommissionPartner {
  partnerId: Id;
  /** `partners.tier`: standard, bronze, silver, gold, platinum. */
  tier: string;
}

/**
 * A `partner_campaign_overrides` row for this partner and campaign version. Event-type
 * specific when `conversionEventTypeId` (or `eventTypeName`) is set, generic when both are null.
 * Valid on [validFrom, validUntil); null bounds are open.
 */
export interface CommissionOverride {
  partnerCampaignOverrideId?: Id | null;
  conversionEventTypeId?: Id | null;
  eventTypeName?: string | null;
  commissionType: CommissionType;
  commissionValue: string;
  validFrom?: Date | null;
  validUntil?: Date | null;
}

/**
 * A `commission_rules` row. `conditions` and `actions` are the stored JSON, re-validated with
 * `commissionRuleSchema` (an invalid stored rule throws rather than being skipped silently).
 * Pass them ordered by `commissionRuleId`: the first matching rule wins.
 */
export interface CommissionRule {
  commissionRuleId: number;
  active: boolean;
  validFrom?: Date | null;
  validUntil?: Date | null;
  conditions: unknown;
  actions: unknown;
}

/** A `campaign_tiers` row (DECIMAL strings in dollars; `rewardValue` per `rewardType`). */
export interface CommissionTier {
  campaignTierId: Id;
  minAmount: string;
  maxAmount: string;
  rewardType: CommissionType;
  rewardValue: string;
  rewardId?: Id | null;
  label?: string;
}

export interface CommissionCampaignVersion {
  defaultCommissionType: CommissionType | 'tiered';
  defaultCommissionValue?: string | null;
  tiers?: readonly CommissionTier[];
}
