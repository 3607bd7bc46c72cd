import { parseAmount } from '../money/currency.js';
import type { CommissionTier } from './types.js';

/**
 * The tier for a partner's revenue in the current period. Each tier covers [min, max); the top
 * tier (highest min) also includes its max and everything above it, so selling more never
 * drops a partner to a lower rate. Revenue below the lowest tier's min selects none.
 *
 * Bounds and revenue are minor units of the campaign's `currency`.
 *
 * Bronze 0-1000 / Silver 1000-5000 / Gold 5000+: $999.99 -> Bronze, $1000.00 -> Silver.
 */
export function selectTier(tiers: readonly CommissionTier[], revenueCents: bigint, currency = 'USD'): CommissionTier | undefined {
  const sorted = [...tiers]
    .map((tier) => ({ tier, min: parseAmount(tier.minAmount, currency), max: parseAmount(tier.maxAmount, currency) }))
    .sort((a, b) => (a.min === b.min ? 0 : a.min < b.min ? -1 : 1));
  const top = sorted[sorted.length - 1];
  for (const entry of sorted) {
    if (revenueCents < entry.min) continue;
    if (entry === top || revenueCents < entry.max) return entry.tier;
  }
  return undefined;
}
