import { exactMinorUnits } from '../money/currency.js';
import { dateRangeBounds, type CommissionRuleConditions } from './commission-rule-schema.js';
import type { CommissionEvent, CommissionPartner } from './types.js';

/**
 * `minor` units of `currency` below the rule's decimal threshold, compared exactly: a rule is
 * vendor-wide, so its "49.50" may be finer than a JPY campaign's yen.
 */
function below(minor: bigint, threshold: string, currency: string): boolean {
  const { num, den } = exactMinorUnits(threshold, currency);
  return minor * den < num;
}

/** The first condition that failed, for the explanation; `undefined` when all hold. */
export type FailedCondition = keyof CommissionRuleConditions;

/**
 * Evaluates parsed rule conditions against a conversion. All present conditions must hold.
 * Unknown facts (no first-purchase flag, no lifetime value, no event value) never satisfy a
 * condition that needs them: a rule pays extra only on evidence.
 */
export function matchRuleConditions(
  conditions: CommissionRuleConditions,
  event: CommissionEvent,
  partner: CommissionPartner,
  /** The campaign's currency: the rule's amounts are read in it. */
  currency = 'USD',
): FailedCondition | undefined {
  if (conditions.date_range) {
    const { start, endExclusive } = dateRangeBounds(conditions.date_range);
    const t = event.occurredAt.getTime();
    if (t < start || t >= endExclusive) return 'date_range';
  }
  if (conditions.min_event_value !== undefined) {
    const value = event.eventValueCents;
    if (value === null || value === undefined || below(value, conditions.min_event_value, currency)) {
      return 'min_event_value';
    }
  }
  if (conditions.event_types && !conditions.event_types.includes(event.eventType)) return 'event_types';
  if (conditions.partner_tiers) {
    const tier = partner.tier.toLowerCase();
    if (!conditions.partner_tiers.some((t) => t.toLowerCase() === tier)) return 'partner_tiers';
  }
  if (conditions.is_first_purchase !== undefined) {
    if (event.isFirstPurchase === null || event.isFirstPurchase === undefined) return 'is_first_purchase';
    if (event.isFirstPurchase !== conditions.is_first_purchase) return 'is_first_purchase';
  }
  if (conditions.customer_lifetime_value_min !== undefined) {
    const clv = event.customerLifetimeValueCents;
    if (clv === null || clv === undefined || below(clv, conditions.customer_lifetime_value_min, currency)) {
      return 'customer_lifetime_value_min';
    }
  }
  return undefined;
}
