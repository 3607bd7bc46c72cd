import { amountValueText, exactMinorUnits, formatAmount } from '../money/currency.js';
import { formatScaledDecimal, MULTIPLIER_SCALE, parseRate, parseScaledDecimal, roundHalfUp } from '../money/index.js';
import { commissionRuleSchema, type CommissionRuleActions } from './commission-rule-schema.js';
import { isValidAt } from './is-valid-at.js';
import { matchRuleConditions } from './match-rule-conditions.js';
import { selectTier } from './select-tier.js';
import type {
  CommissionCampaignVersion,
  CommissionEvent,
  CommissionEventType,
  CommissionOverride,
  CommissionPartner,
  CommissionRule,
  CommissionSource,
  CommissionType,
  Id,
} from './types.js';

export interface CalculateCommissionInput {
  event: CommissionEvent;
  eventType: CommissionEventType;
  partner: CommissionPartner;
  /** This partner's overrides for this campaign version (any validity; filtered here). */
  overrides?: readonly CommissionOverride[];
  /** The vendor's rules; evaluated by ascending `commissionRuleId` (first match wins). */
  rules?: readonly CommissionRule[];
  campaignVersion: CommissionCampaignVersion;
  /** The partner's revenue in the current period BEFORE this event, in minor units (selects the tier). */
  partnerPeriodRevenueCents?: bigint;
  /**
   * ISO 4217 currency of the campaign (and of the sale: a sale in another currency is refused
   * before it gets here). Flat amounts, tier bounds and rule amounts are read in it, and the
   * result is rounded to its minor unit. @default "USD"
   */
  currency?: string;
}

/** What was applied and why: the `conversion_events` and `event_commission_snapshots` fields. */
export interface CommissionResult {
  commissionCents: bigint;
  /** `null` only when nothing is configured or the event type is not commissionable. */
  commissionType: CommissionType | null;
  /** Rate (percent, 2 decimals, e.g. "10.00") or amount in the campaign's currency ("5.00" USD, "500" JPY). */
  commissionValue: string | null;
  appliedCommissionRuleId: number | null;
  rewardId: Id | null;
  source: CommissionSource;
  /** Which override or tier decided it (for audit), when one did. */
  partnerCampaignOverrideId: Id | null;
  campaignTierId: Id | null;
  /** One human sentence: "why did I get $5?". */
  explanation: string;
}

/** An exact amount num/den minor units (den > 0); rounded half-up once, at the very end. */
interface Exact {
  num: bigint;
  den: bigint;
}

interface Base {
  type: CommissionType | null;
  value: string | null;
  amount: Exact;
  source: CommissionSource;
  rewardId: Id | null;
  overrideId: Id | null;
  tierId: Id | null;
  describe: string;
}

/**
 * Computes a conversion's commission, most specific first:
 *
 * 1. the partner's override valid at `occurredAt` - event-type specific before generic (among
 *    several, the latest `validFrom` wins). An override is final: rules do not modify it;
 * 2. the first active rule (by id) valid at `occurredAt` whose conditions all hold. Its actions
 *    transform the commission levels 3-5 would give: `commission_type`/`commission_value`
 *    replace it, then `commission_multiplier` multiplies, then `bonus_flat` is added;
 * 3. the campaign version's tier for `partnerPeriodRevenueCents` (see `selectTier`);
 * 4. the campaign version's default (`percentage` or `flat`);
 * 5. the event type's default (0 with type null if it has none).
 *
 * A non-commissionable event type earns 0 (`source: 'not_commissionable'`) whatever else is
 * configured. Percentages apply to `eventValueCents` (0 when absent). Half-up rounding to the
 * currency's minor unit happens once, on the exact final amount (so x1.5 of 10 % of $99.95 is 14.9925 -> $14.99,
 * not a rounding of a rounding). Stored rule JSON that no longer validates throws.
 */
export function calculateCommission(input: CalculateCommissionInput): CommissionResult {
  const { event, eventType, partner } = input;
  if (!eventType.isCommissionable) {
    return {
      commissionCents: 0n,
      commissionType: null,
      commissionValue: null,
      appliedCommissionRuleId: null,
      rewardId: null,
      source: 'not_commissionable',
      partnerCampaignOverrideId: null,
      campaignTierId: null,
      explanation: `Event type "${eventType.name}" is not commissionable: tracked for funnels, earns nothing.`,
    };
  }
  const valueCents = event.eventValueCents ?? 0n;
  const currency = input.currency ?? 'USD';

  const override = pickOverride(input.overrides ?? [], eventType, event.occurredAt);
  if (override) {
    const base: Base = {
      ...priced(override.commissionType, override.commissionValue, valueCents, currency),
      source: 'override',
      rewardId: null,
      overrideId: override.partnerCampaignOverrideId ?? null,
      tierId: null,
      describe: `partner override${override.partnerCampaignOverrideId != null ? ` #${override.partnerCampaignOverrideId}` : ''}${
        override.conversionEventTypeId != null || override.eventTypeName ? ` for "${eventType.name}"` : ' (all event types)'
      }`,
    };
    return finish(base, null, valueCents, currency);
  }

  const fallback = baseWithoutRules(input, valueCents, currency);
  // Sorted defensively: "first matching" means lowest id first, whatever order SQL returned.
  const rules = [...(input.rules ?? [])].sort((a, b) => a.commissionRuleId - b.commissionRuleId);
  for (const rule of rules) {
    if (!rule.active || !isValidAt(rule, event.occurredAt)) continue;
    const parsed = commissionRuleSchema.parse({ conditions: rule.conditions, actions: rule.actions });
    if (matchRuleConditions(parsed.conditions, event, partner, currency) !== undefined) continue;
    return finish(applyActions(fallback, parsed.actions, valueCents, currency), rule.commissionRuleId, valueCents, currency, parsed.actions);
  }
  return finish(fallback, null, valueCents, currency);
}

function pickOverride(
  overrides: readonly CommissionOverride[],
  eventType: CommissionEventType,
  at: Date,
): CommissionOverride | undefined {
  const valid = overrides.filter((o) => isValidAt(o, at));
  const isSpecific = (o: CommissionOverride) => o.conversionEventTypeId != null || (o.eventTypeName ?? null) !== null;
  const matchesType = (o: CommissionOverride) =>
    (o.conversionEventTypeId != null &&
      eventType.conversionEventTypeId != null &&
      String(o.conversionEventTypeId) === String(eventType.conversionEventTypeId)) ||
    (o.eventTypeName != null && o.eventTypeName === eventType.name);
  const latest = (list: CommissionOverride[]) =>
    list.reduce<CommissionOverride | undefined>(
      (best, o) => (!best || (o.validFrom?.getTime() ?? -Infinity) > (best.validFrom?.getTime() ?? -Infinity) ? o : best),
      undefined,
    );
  return latest(valid.filter((o) => isSpecific(o) && matchesType(o))) ?? latest(valid.filter((o) => !isSpecific(o)));
}

/** Levels 3-5: tier, version default, event type default. */
function baseWithoutRules(input: CalculateCommissionInput, valueCents: bigint, currency: string): Base {
  const { campaignVersion, eventType } = input;
  const tiers = campaignVersion.tiers ?? [];
  if (tiers.length > 0) {
    const revenue = input.partnerPeriodRevenueCents ?? 0n;
    const tier = selectTier(tiers, revenue, currency);
    if (tier) {
      const amount = (decimal: string) => decimalText(decimal, currency);
      return {
        ...priced(tier.rewardType, tier.rewardValue, valueCents, currency),
        source: 'tier',
        rewardId: tier.rewardId ?? null,
        overrideId: null,
        tierId: tier.campaignTierId,
        describe: `tier ${tier.label ? `"${tier.label}" ` : ''}#${tier.campaignTierId} (period revenue ${moneyText(revenue, currency)} in ${amount(tier.minAmount)}-${amount(tier.maxAmount)})`,
      };
    }
  }
  if (campaignVersion.defaultCommissionType !== 'tiered' && campaignVersion.defaultCommissionValue != null) {
    return {
      ...priced(campaignVersion.defaultCommissionType, campaignVersion.defaultCommissionValue, valueCents, currency),
      source: 'campaign_default',
      rewardId: null,
      overrideId: null,
      tierId: null,
      describe: 'campaign default',
    };
  }
  if (eventType.defaultCommissionType && eventType.defaultCommissionValue != null) {
    return {
      ...priced(eventType.defaultCommissionType, eventType.defaultCommissionValue, valueCents, currency),
      source: 'event_type_default',
      rewardId: null,
      overrideId: null,
      tierId: null,
      describe: `event type "${eventType.name}" default`,
    };
  }
  return {
    type: null,
    value: null,
    amount: { num: 0n, den: 1n },
    source: 'event_type_default',
    rewardId: null,
    overrideId: null,
    tierId: null,
    describe: `no commission configured for "${eventType.name}"`,
  };
}

/**
 * The exact amount of a type/value pair on a sale: a rate is normalised to 2 decimals, a flat
 * amount to its currency's decimals ("500" JPY, "5.00" USD).
 */
function priced(type: CommissionType, value: string, valueCents: bigint, currency: string): Pick<Base, 'type' | 'value' | 'amount'> {
  if (type === 'percentage') {
    const bp = parseRate(value);
    return { type, value: formatScaledDecimal(bp, 2), amount: { num: valueCents * bp, den: 10_000n } };
  }
  // Exact even when finer than the currency (a vendor-wide rule's flat "0.50" on a JPY campaign):
  // rounded once, with the rest, in `finish`.
  return { type, value: amountValueText(value, currency), amount: exactMinorUnits(value, currency) };
}

/** A decimal amount for the explanation, as `moneyText` writes it. */
function decimalText(decimal: string, currency: string): string {
  const text = amountValueText(decimal, currency);
  return currency === 'USD' ? `$${text}` : `${text} ${currency}`;
}

/** An amount for the explanation: "$5.00" in dollars (as before), "500 JPY" in any other currency. */
function moneyText(minor: bigint, currency: string): string {
  return currency === 'USD' ? `$${formatAmount(minor, currency)}` : `${formatAmount(minor, currency)} ${currency}`;
}

function applyActions(base: Base, actions: CommissionRuleActions, valueCents: bigint, currency: string): Base {
  let next: Base = base;
  if (actions.commission_type && actions.commission_value !== undefined) {
    next = { ...next, ...priced(actions.commission_type, actions.commission_value, valueCents, currency), rewardId: null, tierId: null };
  }
  let { num, den } = next.amount;
  if (actions.commission_multiplier !== undefined) {
    num *= parseScaledDecimal(actions.commission_multiplier, MULTIPLIER_SCALE);
    den *= 10n ** BigInt(MULTIPLIER_SCALE);
  }
  if (actions.bonus_flat !== undefined) {
    const bonus = exactMinorUnits(actions.bonus_flat, currency);
    num = num * bonus.den + bonus.num * den;
    den *= bonus.den;
  }
  return { ...next, amount: { num, den }, source: 'rule' };
}

function finish(
  base: Base,
  ruleId: number | null,
  valueCents: bigint,
  currency: string,
  actions?: CommissionRuleActions,
): CommissionResult {
  const commissionCents = roundHalfUp(base.amount.num, base.amount.den);
  const rate =
    base.type === 'percentage'
      ? `${base.value}% of ${moneyText(valueCents, currency)}`
      : base.type === 'flat'
        ? `flat ${decimalText(base.value!, currency)}`
        : 'nothing';
  const steps: string[] = [];
  if (actions?.commission_type) steps.push(`rule sets ${actions.commission_type} ${actions.commission_value}`);
  if (actions?.commission_multiplier !== undefined) steps.push(`x${actions.commission_multiplier}`);
  if (actions?.bonus_flat !== undefined) steps.push(`+ ${decimalText(actions.bonus_flat, currency)} bonus`);
  const explanation =
    ruleId !== null
      ? `Rule #${ruleId} on ${base.describe}: ${rate}${steps.length ? `, ${steps.join(', ')}` : ''} = ${moneyText(commissionCents, currency)}.`
      : `${capitalise(base.describe)}: ${rate} = ${moneyText(commissionCents, currency)}.`;
  return {
    commissionCents,
    commissionType: base.type,
    commissionValue: base.value,
    appliedCommissionRuleId: ruleId,
    rewardId: base.rewardId,
    source: ruleId !== null ? 'rule' : base.source,
    partnerCampaignOverrideId: base.overrideId,
    campaignTierId: base.tierId,
    explanation,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
