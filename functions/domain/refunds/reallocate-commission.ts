import { splitLargestRemainder } from '../money/index.js';
import { settleAdjustment } from './settle-adjustment.js';
import type { Id } from './types.js';

/** One credited partner's share of a conversion, as stored (sum of its touches' values). */
export interface PartnerCommissionShare {
  partnerId: Id;
  /** The share as first attributed, in cents. */
  originalCents: bigint;
  /** What payouts have paid this partner for the conversion (gross of adjustments). */
  paidCents?: bigint;
  /** Sum of this partner's `commission_adjustments` already recorded for the conversion. */
  priorAdjustmentsCents?: bigint;
}

export interface ReallocatedShare {
  partnerId: Id;
  /** The partner's share of the adjusted commission, in cents. */
  adjustedCents: bigint;
  /** The partner's next `commission_adjustments` amount (see `settleAdjustment`); 0 when unpaid. */
  adjustmentCents: bigint;
}

/**
 * Spreads a conversion's adjusted commission (from `reduceRefunds`) back over its credited
 * partners in proportion to their original shares (largest remainder, so the shares sum
 * exactly to the adjusted total), and says what each paid partner owes back: the
 * `commission_adjustments` rows, one per partner. A partner with no payment gets no
 * adjustment: its unpaid share is simply reduced.
 *
 * @throws RangeError when every original share is 0 but the adjusted total is not.
 */
export function reallocateCommission(
  shares: readonly PartnerCommissionShare[],
  adjustedCommissionCents: bigint,
): ReallocatedShare[] {
  if (shares.length === 0) return [];
  const weights = shares.map((s) => (s.originalCents < 0n ? -s.originalCents : s.originalCents));
  const parts = splitLargestRemainder(adjustedCommissionCents, weights);
  return shares.map((share, i) => {
    const adjustedCents = parts[i] ?? 0n;
    return {
      partnerId: share.partnerId,
      adjustedCents,
      adjustmentCents: settleAdjustment({ adjustedCents, paidCents: share.paidCents, priorAdjustmentsCents: share.priorAdjustmentsCents }),
    };
  });
}
