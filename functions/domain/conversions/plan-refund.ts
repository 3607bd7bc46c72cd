import { splitLargestRemainder } from '../money/index.js';
import { reduceRefunds, type ConversionStatus, type RefundEvent } from '../refunds/index.js';
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
  /** `commission_amount` now (the paid amount once paid). */
  commissionCents: bigint;
  /** `refunded_amount` now. */
  refundedCents: bigint;
  touches: readonly StoredTouch[];
  /** Post-payout adjustments already recorded, summed per partner id. */
  adjustmentsByPartner: ReadonlyMap<string, bigint>;
}

export type RefundPlan =
  /** Rejected for another reason (fraud, the vendor): refunds change nothing. */
  | { kind: 'unchanged' }
  | {
      kind: 'before_payout';
      status: ConversionStatus;
      rejectionReason: 'refund' | 'dispute' | null;
      commissionCents: bigint;
      refundedCents: bigint;
      /** New value of every touch; they sum exactly to `commissionCents`. */
      touchValues: { touchId: Id; value: bigint }[];
      totalsDelta: PartnerContribution[];
    }
  | {
      kind: 'after_payout';
      refundedCents: bigint;
      /** New negative (clawback) adjustments per credited partner, netted in its next payout. */
      adjustments: { partnerId: Id; amountCents: bigint }[];
      totalsDelta: PartnerContribution[];
    };

/**
 * The state of a conversion after ALL the refunds of its transaction (the ledger), whatever
 * order they came in: a function of (sale, set of refunds), so replays and reorderings converge.
 *
 * - Before payout: the commission is `reduceRefunds` of the original commission, re-split over
 *   the touches by their stored exact weights (the same split a sale arriving after its refunds
 *   gets), full refunds reject.
 * - After payout (`paid`): the paid commission stays; what is owed back (adjusted - paid) is split
 *   over the credited partners by weight, and only the part not yet recorded becomes new negative
 *   adjustments, so a redelivered refund adds nothing. The status stays `paid`: a paid payout
 *   keeps tracing to its conversion, and the clawback is netted in the next payout.
 */
export function planRefund(target: RefundTarget, refunds: readonly RefundEvent[]): RefundPlan {
  if (target.status === 'rejected' && target.rejectionReason !== 'refund' && target.rejectionReason !== 'dispute') {
    return { kind: 'unchanged' };
  }
  const paid = target.status === 'paid';
  const outcome = reduceRefunds({
    saleAmountCents: target.saleCents,
    commissionCents: target.originalCommissionCents,
    events: refunds,
    currentStatus: target.status === 'rejected' ? 'pending' : target.status,
    paidOutCents: paid ? target.commissionCents : 0n,
  });
  const weights = target.touches.map((t) => t.weight);
  const hasWeight = weights.some((w) => w > 0n);
  const before = withAdjustments(
    partnerContributions({
      touches: target.touches,
      netSaleCents: target.saleCents - target.refundedCents,
      rejected: target.status === 'rejected',
    }),
    target.adjustmentsByPartner,
  );

  if (paid) {
    const owed = outcome.adjustedCommissionCents - target.commissionCents;
    const partners = partnerWeights(target.touches);
    const targets = owed < 0n && partners.length > 0 ? splitLargestRemainder(owed, partners.map((p) => p.weight)) : partners.map(() => 0n);
    const adjustments = partners
      .map((p, i) => ({
        partnerId: p.partnerId,
        amountCents: (targets[i] ?? 0n) - (target.adjustmentsByPartner.get(String(p.partnerId)) ?? 0n),
      }))
      .filter((a) => a.amountCents < 0n);
    const all = new Map(target.adjustmentsByPartner);
    for (const a of adjustments) all.set(String(a.partnerId), (all.get(String(a.partnerId)) ?? 0n) + a.amountCents);
    const after = withAdjustments(
      partnerContributions({ touches: target.touches, netSaleCents: target.saleCents - outcome.reversedSaleCents, rejected: false }),
      all,
    );
    return { kind: 'after_payout', refundedCents: outcome.reversedSaleCents, adjustments, totalsDelta: contributionDelta(before, after) };
  }

  const values = hasWeight ? splitLargestRemainder(outcome.adjustedCommissionCents, weights) : weights.map(() => 0n);
  const touches = target.touches.map((t, i) => ({ ...t, value: values[i] ?? 0n }));
  const rejected = outcome.status === 'rejected';
  const after = partnerContributions({ touches, netSaleCents: target.saleCents - outcome.reversedSaleCents, rejected });
  return {
    kind: 'before_payout',
    status: outcome.status,
    rejectionReason: outcome.rejectionReason,
    commissionCents: outcome.adjustedCommissionCents,
    refundedCents: outcome.reversedSaleCents,
    touchValues: touches.map((t) => ({ touchId: t.touchId, value: t.value })),
    totalsDelta: contributionDelta(before, after),
  };
}

function partnerWeights(touches: readonly StoredTouchShare[]): { partnerId: Id; weight: bigint }[] {
  const byPartner = new Map<string, { partnerId: Id; weight: bigint }>();
  for (const t of touches) {
    if (t.weight === 0n) continue;
    const entry = byPartner.get(String(t.partnerId)) ?? { partnerId: t.partnerId, weight: 0n };
    entry.weight += t.weight;
    byPartner.set(String(t.partnerId), entry);
  }
  return [...byPartner.values()];
}

function withAdjustments(contributions: PartnerContribution[], adjustments: ReadonlyMap<string, bigint>): PartnerContribution[] {
  return contributions.map((c) => ({ ...c, commissionCents: c.commissionCents + (adjustments.get(String(c.partnerId)) ?? 0n) }));
}
