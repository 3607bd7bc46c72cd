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
 * - A dispute closed as won (`dispute_won` with the same `disputeId`; a dispute's own id stands
 *   for it when it names none) no longer counts, so a dispute that was lost-then-won nets back
 *   to the original commission (a positive adjustment for the caller when it had already
 *   clawed back).
 * - Refunds, per charge (`chargeId`; refunds naming no charge join the only charge, else form
 *   one group): S = the sum of the succeeded per-refund events, F = the sum of the
 *   failed/canceled ones, R = the largest running total (`cumulative`) seen. The charge's refunded amount is max(S, R - F): the running
 *   total only tops up what the per-refund events have not explained yet (a `refund.created`
 *   and the `charge.refunded` of the same money count once), and a refund known to have failed
 *   is taken out of any running total that may still include it. S, F and R are each a join over
 *   a set, so any order and any duplication of the events gives the same amount.
 * - Pending refunds count nothing until they succeed.
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
  const disputes = events.filter((e) => e.reason === 'dispute' && !won.has(e.disputeId ?? e.eventId));
  const disputed = disputes.reduce((sum, e) => sum + clamp(whole(e)), 0n);
  const byCharge = new Map<string, { succeeded: bigint; voided: bigint; runningTotal: bigint; active: boolean }>();
  // Entries that name no charge (Shopify, the API, Stripe refunds recorded before charges were
  // kept) join the transaction's only charge when there is exactly one, so an older `re_` entry
  // and a newer running total of that charge still describe the same money once.
  const charges = new Set(events.flatMap((e) => (e.reason === 'refund' && e.chargeId ? [e.chargeId] : [])));
  const onlyCharge = charges.size === 1 ? [...charges][0]! : '';
  for (const e of events) {
    if (e.reason !== 'refund') continue;
    const key = e.chargeId ?? onlyCharge;
    const group = byCharge.get(key) ?? { succeeded: 0n, voided: 0n, runningTotal: 0n, active: false };
    const amount = clamp(whole(e));
    const status = e.status ?? 'succeeded';
    if (e.cumulative) {
      if (amount > group.runningTotal) group.runningTotal = amount;
      group.active = true;
    } else if (status === 'succeeded') {
      group.succeeded += amount;
      group.active = true;
    } else if (status === 'failed' || status === 'canceled') group.voided += amount;
    byCharge.set(key, group);
  }
  let refunded = 0n;
  let activeRefunds = false;
  for (const group of byCharge.values()) {
    const topUp = group.runningTotal - group.voided;
    refunded += group.succeeded > topUp ? group.succeeded : topUp;
    activeRefunds ||= group.active;
  }
  const reversedRaw = refunded + disputed;
  const reversed = sale > 0n ? (reversedRaw > sale ? sale : reversedRaw) : 0n;
  const anyActive = disputes.length > 0 || activeRefunds;
  const fully = anyActive && (sale <= 0n ? true : reversed >= sale);

  const adjusted = fully ? 0n : reversed === 0n || sale <= 0n ? commission : roundHalfUp(commission * (sale - reversed), sale);
  return {
    status: fully ? 'rejected' : currentStatus,
    rejectionReason: fully ? (disputes.length > 0 ? 'dispute' : 'refund') : null,
    reversedSaleCents: fully ? (sale > 0n ? sale : 0n) : reversed,
    adjustedCommissionCents: adjusted,
    commissionReversedCents: commission - adjusted,
    adjustmentCents: settleAdjustment({ adjustedCents: adjusted, paidCents: paid, priorAdjustmentsCents: input.priorAdjustmentsCents }),
  };
}

/** A reversal never adds money back through a negative amount (nor is its sign flipped): below 0 counts as 0. */
function clamp(amount: bigint): bigint {
  return amount < 0n ? 0n : amount;
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

/** Of two copies of one refund event, the one that stands (order-independent: a total order on copies). */
export function largerRefundClaim(a: RefundEvent, b: RefundEvent): RefundEvent {
  return compareClaims(a, b) >= 0 ? a : b;
}

const statusRank = (e: RefundEvent) => (e.status === 'failed' || e.status === 'canceled' ? 2 : e.status === 'pending' ? 0 : 1);

function compareClaims(a: RefundEvent, b: RefundEvent): number {
  // The furthest state first (a refund that failed stays failed whichever copy came last)...
  const byStatus = statusRank(a) - statusRank(b);
  if (byStatus !== 0) return byStatus;
  // ...then the larger claim (whole sale beats any amount)...
  const rank = (e: RefundEvent) => (e.amountCents === null || e.amountCents === undefined ? -1n : clamp(e.amountCents));
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) {
    if (ra === -1n || rb === -1n) return ra === -1n ? 1 : -1;
    return ra > rb ? 1 : -1;
  }
  // ...then the dispute view, the running-total view, the copy naming its charge, and finally
  // the serialised copy, so two different copies never tie.
  const key = (e: RefundEvent) =>
    `${e.reason === 'dispute' ? 1 : 0}${e.cumulative ? 1 : 0}${e.chargeId ? 1 : 0}${e.disputeId ? 1 : 0}${e.status ?? ''}${JSON.stringify({ ...e, amountCents: String(e.amountCents) })}`;
  const ka = key(a);
  const kb = key(b);
  return ka === kb ? 0 : ka > kb ? 1 : -1;
}
