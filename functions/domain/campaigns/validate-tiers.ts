/**
 * Commission tiers of a campaign version (campaign_tiers). Rules from the dictionary: a tiered
 * campaign has at least one tier; tiers cannot overlap and leave no gap (max of tier N = min of
 * tier N+1); each tier's max is above its min. Percentage rewards are at most 100.
 */
import { parseAmount } from '../money/currency.js';
import { parseRate } from '../money/index.js';
import type { FieldError } from '../errors.js';

export interface TierInput {
  label: string;
  min_amount: string;
  max_amount: string;
  reward_type: 'flat' | 'percentage';
  reward_value: string;
  reward_id?: number | null;
}

/** Problems with `tiers` for a version whose type is `commissionType`; empty when valid. */
export function validateTiers({
  commissionType,
  tiers,
  path = 'body.tiers',
  currency = 'USD',
}: {
  commissionType: string;
  tiers: readonly TierInput[] | undefined;
  path?: string;
  /** The campaign's currency: tier bounds are amounts of it. */
  currency?: string;
}): FieldError[] {
  const parseMoney = (value: string) => parseAmount(value, currency);
  const errors: FieldError[] = [];
  if (commissionType !== 'tiered') {
    if (tiers && tiers.length > 0) errors.push({ path, message: 'Tiers apply only when default_commission_type is "tiered".' });
    return errors;
  }
  if (!tiers || tiers.length === 0) {
    errors.push({ path, message: 'A tiered campaign needs at least one tier.' });
    return errors;
  }
  const labels = new Set<string>();
  tiers.forEach((tier, i) => {
    const min = parseMoney(tier.min_amount);
    const max = parseMoney(tier.max_amount);
    if (max <= min) errors.push({ path: `${path}.${i}.max_amount`, message: 'max_amount must be greater than min_amount.' });
    if (tier.reward_type === 'percentage' && parseRate(tier.reward_value) > 10000n) {
      errors.push({ path: `${path}.${i}.reward_value`, message: 'A percentage is at most 100.' });
    }
    if (labels.has(tier.label)) errors.push({ path: `${path}.${i}.label`, message: 'Tier labels must be unique.' });
    labels.add(tier.label);
    const next = tiers[i + 1];
    if (next) {
      const nextMin = parseMoney(next.min_amount);
      if (nextMin < max) {
        errors.push({ path: `${path}.${i + 1}.min_amount`, message: `Overlaps the previous tier: must equal its max_amount (${tier.max_amount}).` });
      } else if (nextMin > max) {
        errors.push({ path: `${path}.${i + 1}.min_amount`, message: `Leaves a gap after the previous tier: must equal its max_amount (${tier.max_amount}).` });
      }
    }
  });
  return errors;
}
