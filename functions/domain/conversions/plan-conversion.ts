import { allocateCommission, type ConversionAttribution, type Id, type JourneyAttribution } from '../attribution/index.js';
import { calculateCommission, type CalculateCommissionInput, type CommissionResult } from '../commissions/index.js';
import { isSelfReferral } from '../fraud/index.js';
import { reduceRefunds, type RefundEvent } from '../refunds/index.js';
import { partnerContributions } from './partner-contributions.js';
import type { ConversionRejectionReason, PartnerContribution } from './types.js';

export interface PlanConversionInput {
  /** The journey weighed (`resolveJourney`); `botOnly` when every eligible click was a bot's. */
  attribution: JourneyAttribution;
  botOnly?: boolean;
  /** Everything `calculateCommission` needs for the winning partner. */
  commission: CalculateCommissionInput;
  /** Emails of the credited partners, by partner id (self-referral check). */
  partnerEmails: ReadonlyMap<string, string | null>;
  customerEmail?: string | null;
  /** Refunds of this transaction received before the sale (held in the refund ledger). */
  heldRefunds?: readonly RefundEvent[];
}

/** The rows a new conversion writes, decided without I/O. */
export interface ConversionPlan {
  status: 'pending' | 'rejected';
  rejectionReason: ConversionRejectionReason | null;
  /** The commission as the engine calculated it (the snapshot), 0 when rejected for fraud. */
  calculated: CommissionResult;
  /** Snapshot amount: what the conversion earned when it was recorded, before any refund. */
  originalCommissionCents: bigint;
  /** `commission_amount`: after held refunds. */
  commissionCents: bigint;
  /** `refunded_amount` in cents. */
  refundedCents: bigint;
  /** Touches with values summing exactly to `commissionCents`; partners and attribution map. */
  allocation: ConversionAttribution;
  /** What the conversion adds to each credited partner's totals (none when rejected). */
  contributions: PartnerContribution[];
}

/**
 * Decides a conversion: commission by precedence for the winning partner, fraud (self-referral of
 * any credited partner, bot-only journeys) rejects with commission 0 but keeps the row, refunds
 * that arrived before the sale are applied exactly as if they had come after it
 * (`reduceRefunds` over the same set), and the commission is split across the touches by their
 * exact weights (largest remainder), so touch values always sum to `commission_amount`.
 */
export function planConversion(input: PlanConversionInput): ConversionPlan {
  const { attribution } = input;
  const calculated = calculateCommission(input.commission);
  const saleCents = input.commission.event.eventValueCents ?? 0n;
  const credited = attribution.touches.filter((t) => t.weight > 0n).map((t) => String(t.partnerId));
  const selfReferral = credited.some((partnerId) =>
    isSelfReferral({ partnerEmail: input.partnerEmails.get(partnerId) ?? null, customerEmail: input.customerEmail ?? null }),
  );
  const fraud: ConversionRejectionReason | null = input.botOnly ? 'bot_click' : selfReferral ? 'self_referral' : null;
  const originalCommissionCents = fraud ? 0n : calculated.commissionCents;

  const refunds = input.heldRefunds ?? [];
  const outcome = reduceRefunds({ saleAmountCents: saleCents, commissionCents: originalCommissionCents, events: refunds });
  const commissionCents = outcome.adjustedCommissionCents;
  const rejectionReason: ConversionRejectionReason | null =
    fraud ?? (outcome.status === 'rejected' ? (outcome.rejectionReason ?? 'refund') : null);
  const allocation = allocateCommission(attribution, commissionCents);
  const rejected = rejectionReason !== null;
  return {
    status: rejected ? 'rejected' : 'pending',
    rejectionReason,
    calculated,
    originalCommissionCents,
    commissionCents,
    refundedCents: outcome.reversedSaleCents,
    allocation,
    contributions: partnerContributions({
      touches: allocation.touches,
      netSaleCents: saleCents - outcome.reversedSaleCents,
      rejected,
    }),
  };
}

/** The conversion's partner and version: the winner, or for a bot-only journey its latest bot click. */
export function creditedOwner(
  attribution: JourneyAttribution,
  botClick?: { partnerId: Id; campaignVersionId: Id; clickId: Id },
): { partnerId: Id; campaignVersionId: Id; clickId: Id | null } | null {
  if (attribution.winner) return attribution.winner;
  return botClick ?? null;
}
