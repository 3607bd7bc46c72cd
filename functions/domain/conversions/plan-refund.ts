import { splitLargestRemainder } from '../money/index.js';
import { reduceRefunds, settleAdjustment, type ConversionStatus, type RefundEvent } from '../refunds/index.js';
import type { Id } from '../attribution/index.js';
import { contributionDelta, partnerContributions, type StoredTouchShare } from './partner-contributions.js';
import type { PartnerContribution } from './types.js';

export interface StoredTouch extends StoredTouchShare {
  touchId: Id;
}

/** A recorded conversion as the refund path reads it. */
export interface RefundTarget {
  status: ConversionStatus;
  rejectionReason: string | null;
  saleCents: bigint;
  /** The snapshot: what the conversion earned when recorded, before any refund. */
  originalCommissionCents: bigint;
  /** `commission_amount` now (= the sum of the touches). */
  commissionCents: bigint;
  /** `refunded_amount` now. */
  refundedCents: bigint;
  touches: readonly StoredTouch[];
  /** `commission_adjustments` already recorded, summed per partner id. */
  adjustmentsByPartner: ReadonlyMap<string, bigint>;
  /**
   * What live payouts of each partner hold for this conversion (gross of netted adjustments),
   * per partner id. Absent for a partner: nothing held, unless the conversion is `paid`, when the
   * partner's gross share (touches - adjustments) is taken as held.
   */
  heldByPartner?: ReadonlyMap<string, bigint>;
}

export type RefundPlan =
  /** Rejected for another reason (fraud, the vendor): refunds change nothing. */
  | { kind: 'unchanged' }
  | {
      kind: 'apply';
      status: ConversionStatus;
      rejectionReason: 'refund' | 'dispute' | null;
      /** `commission_amount`: what the credited partners now earn in total. */
      commissionCents: bigint;
      refundedCents: bigint;
      /** New value of every touch (what each partner now earns); they sum exactly to `commissionCents`. */
      touchValues: { touchId: Id; value: bigint }[];
      /** New `commission_adjustments` per partner whose share a payout holds (negative = clawback). */
      adjustments: { partnerId: Id; amountCents: bigint }[];
      totalsDelta: PartnerContribution[];
    };

/**
 * The state of a conversion after ALL the refunds of its transaction (the ledger), whatever
 * order they came in: a function of (sale, set of refunds), so replays and reorderings converge.
 *
 * The representation shared with payouts (docs/payouts.md): touches always say what each partner
 * finally earns. The commission is `reduceRefunds` of the original, re-split over the touches by
 * their stored exact weights - the same split a sale arriving after its refunds gets. For a
 * partner whose share a payout already holds, `settleAdjustment` records the difference
 * (earned - held - earlier adjustments) to net in its next payout; an unheld share is simply
 * reduced. A full refund rejects the conversion only when no payout holds any share; otherwise
 * it keeps its status (paid is final) with commission 0 and the clawbacks recorded.
 */
export function planRefund(target: RefundTarget, refunds: readonly RefundEvent[]): RefundPlan {
  if (target.status === 'rejected' && target.rejectionReason !== 'refund' && target.rejectionReason !== 'dispute') {
    return { kind: 'unchanged' };
  }
  const outcome = reduceRefunds({
    saleAmountCents: target.saleCents,
    commissionCents: target.originalCommissionCents,
    events: refunds,
  });
  const weights = target.touches.map((t) => t.weight);
  const values = weights.some((w) => w > 0n)
    ? splitLargestRemainder(outcome.adjustedCommissionCents, weights)
    : weights.map(() => 0n);
  const touches = target.touches.map((t, i) => ({ ...t, value: values[i] ?? 0n }));

  const shareOf = (list: readonly StoredTouchShare[], partner: string) =>
    list.filter((t) => String(t.partnerId) === partner).reduce((sum, t) => sum + t.value, 0n);
  const partners = [...new Set(target.touches.filter((t) => t.weight > 0n).map((t) => String(t.partnerId)))];
  const adjustments: { partnerId: Id; amountCents: bigint }[] = [];
  let anyHeld = false;
  for (const partner of partners) {
    const prior = target.adjustmentsByPartner.get(partner) ?? 0n;
    const held =
      target.heldByPartner?.get(partner) ?? (target.status === 'paid' ? shareOf(target.touches, partner) - prior : 0n);
    if (held > 0n) anyHeld = true;
    const amount = settleAdjustment({ adjustedCents: shareOf(touches, partner), paidCents: held, priorAdjustmentsCents: prior });
    if (amount !== 0n) {
      const partnerId = target.touches.find((t) => String(t.partnerId) === partner)!.partnerId;
      adjustments.push({ partnerId, amountCents: amount });
    }
  }

  const fully = outcome.status === 'rejected';
  const status: ConversionStatus =
    fully && !anyHeld ? 'rejected' : target.status === 'rejected' ? 'pending' : target.status;
  const before = partnerContributions({
    touches: target.touches,
    netSaleCents: target.saleCents - target.refundedCents,
    rejected: target.status === 'rejected',
  });
  const after = partnerContributions({
    touches,
    netSaleCents: target.saleCents - outcome.reversedSaleCents,
    rejected: status === 'rejected',
  });
  return {
    kind: 'apply',
    status,
    rejectionReason: status === 'rejected' ? (outcome.rejectionReason === 'dispute' ? 'dispute' : 'refund') : null,
    commissionCents: outcome.adjustedCommissionCents,
    refundedCents: outcome.reversedSaleCents,
    touchValues: touches.map((t) => ({ touchId: t.touchId, value: t.value })),
    adjustments,
    totalsDelta: contributionDelta(before, after),
  };
}
