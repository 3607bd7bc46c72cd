import { roundHalfUp } from '../money/index.js';
import { settleAdjustment } from './settle-adjustment.js';
import type { ConversionStatus, RefundEvent } from './types.js';

export interface ReduceRefundsInput {
  /** The conversion's sale amount (`event_value`) in cents. */
  saleAmountCents: bigint;
  /** The commission as first calculated, in cents. */
  commissionCents: bigint;
  /** Refund and dispute events in any order, duplicates allowed. */
  events: readonly RefundEvent[];
  /** The status before refunds (`pending`, `approved` or `paid`). @default 'pending' */
  currentStatus?: Exclude<ConversionStatus, 'rejected'>;
  /** Commission already paid out for this conversion, in cents. @default 0n */
  paidOutCents?: bigint;
  /** Sum of the `commission_adjustments` already recorded for it (<= 0 after clawbacks). @default 0n */
  priorAdjustmentsCents?: bigint;
}

export interface RefundOutcome {
  status: ConversionStatus;
  /** Set when the status becomes `rejected`. */
  rejectionReason: 'refund' | 'dispute' | null;
  /** Sale amount reversed by refunds and disputes (capped at the sale), in cents. */
  reversedSaleCents: bigint;
  /** The commission this conversion finally earns (`commission_amount`), in cents. */
  adjustedCommissionCents: bigint;
  /** Commission taken back: original - adjusted. */
  commissionReversedCents: bigint;
  /**
   * The adjustment to record now (see `settleAdjustment`): negative when a paid commission is
   * reduced (netted in the next payout), positive only to restore an earlier clawback (dispute
   * won), 0 before payout (the commission is simply reduced in place).
   */
  adjustmentCents: bigint;
}

/**
 * Folds a conversion's refunds and disputes into its final commission. Order-independent and
 * idempotent: events are deduplicated by `eventId` (a duplicate that disagrees keeps the larger
 * claim, so the result never depends on which copy came first), then combined as sets.
 *
 * - Partial: the commission keeps the unrefunded share of the sale, rounded half-up once:
 *   commission x (sale - reversed) / sale. $10.00 on $100.00, $25.00 refunded -> $7.50.
 * - Full (reversed >= sale, or any reversal of a zero-value sale): 0 and `rejected`, with reason
 *   `dispute` if any dispute took part, else `refund`.
 * - A dispute closed as won (`dispute_won` with the same `disputeId`) no longer counts, so a
 *   dispute that was lost-then-won nets back to the original commission (a positive
 *   adjustment for the caller when it had already clawed back).
 * - After payout: the paid amount is not clawed back in place; `adjustmentCents` is the
 *   negative amount to net in the next payout (status stays `paid` unless fully reversed).
 */
export function reduceRefunds(input: ReduceRefundsInput): RefundOutcome {
  const sale = input.saleAmountCents;
  const commission = input.commissionCents;
  const currentStatus = input.currentStatus ?? 'pending';
  const paid = input.paidOutCents ?? 0n;
  const events = dedupe(input.events);

  const whole = (e: RefundEvent) => (e.amountCents === null || e.amountCents === undefined ? sale : e.amountCents);
  const won = new Set(events.filter((e) => e.reason === 'dispute_won' && e.disputeId).map((e) => e.disputeId));
  const counted = events.filter((e) => e.reason !== 'dispute_won' && !(e.reason === 'dispute' && e.disputeId && won.has(e.disputeId)));
  let individual = 0n;
  let runningTotal = 0n;
  let disputed = 0n;
  for (const e of counted) {
    const amount = clamp(whole(e));
    if (e.reason === 'dispute') disputed += amount;
    else if (e.cumulative) runningTotal = amount > runningTotal ? amount : runningTotal;
    else individual += amount;
  }
  const refunded = individual > runningTotal ? individual : runningTotal;
  const reversedRaw = refunded + disputed;
  const reversed = sale > 0n ? (reversedRaw > sale ? sale : reversedRaw) : 0n;
  const fully = counted.length > 0 && (sale <= 0n || reversed >= sale);

  const adjusted = fully ? 0n : counted.length === 0 || sale <= 0n ? commission : roundHalfUp(commission * (sale - reversed), sale);
  return {
    status: fully ? 'rejected' : currentStatus,
    rejectionReason: fully ? (counted.some((e) => e.reason === 'dispute') ? 'dispute' : 'refund') : null,
    reversedSaleCents: fully ? (sale > 0n ? sale : 0n) : reversed,
    adjustedCommissionCents: adjusted,
    commissionReversedCents: commission - adjusted,
    adjustmentCents: settleAdjustment({ adjustedCents: adjusted, paidCents: paid, priorAdjustmentsCents: input.priorAdjustmentsCents }),
  };
}

function clamp(amount: bigint): bigint {
  return amount < 0n ? -amount : amount;
}

/** One event per id; conflicting copies keep the larger claim (whole sale beats any amount). */
function dedupe(events: readonly RefundEvent[]): RefundEvent[] {
  const byId = new Map<string, RefundEvent>();
  for (const e of events) {
    const seen = byId.get(e.eventId);
    byId.set(e.eventId, seen ? largerRefundClaim(seen, e) : e);
  }
  return [...byId.values()];
}

/** Of two copies of one refund event, the one that stands (order-independent). */
export function largerRefundClaim(a: RefundEvent, b: RefundEvent): RefundEvent {
  const rank = (e: RefundEvent) => (e.amountCents === null || e.amountCents === undefined ? -1n : clamp(e.amountCents));
  const ra = rank(a);
  const rb = rank(b);
  if (ra === -1n || rb === -1n) return ra === -1n ? a : b;
  if (ra !== rb) return ra > rb ? a : b;
  // Same amount: prefer the dispute view, then the running-total view, for a stable choice.
  const key = (e: RefundEvent) => `${e.reason === 'dispute' ? 1 : 0}${e.cumulative ? 1 : 0}`;
  return key(a) >= key(b) ? a : b;
}
