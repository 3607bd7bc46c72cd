/**
 * The money rows the payout rules read, in minor units of each row's currency. The SQL side maps
 * NUMERIC strings with `parseAmount` (functions/domain/money) and passes these to the pure
 * functions in tests. `currency` is optional: rows without one are one currency's.
 */
import type { ConversionStatus } from '../../../functions/domain/payouts/transition-conversion.js';
import type { PayoutStatus } from '../../../functions/domain/payouts/transition-payout.js';

export interface ConversionRow {
  conversionEventId: number;
  status: ConversionStatus;
  /** `conversion_events.commission_amount`; null counts as zero. */
  commissionCents: bigint | null;
  /** ISO 4217 of the conversion (and of its touches). */
  currency?: string;
  /** ISO UTC; when it became payable. */
  approvedAt?: string | null;
  isDeleted?: boolean;
}

export interface TouchRow {
  conversionEventId: number;
  partnerId: number;
  /** `touches.touch_value`; null counts as zero. */
  touchValueCents: bigint | null;
  isDeleted?: boolean;
}

export interface PayoutRow {
  payoutId: number;
  partnerId: number;
  status: PayoutStatus;
  amountCents: bigint;
  /** ISO 4217: the currency paid; its events and netted adjustments must be in it. */
  currency?: string;
  /** A cancelled payout (only pending or failed ones may be): its events no longer hold anything. */
  isDeleted?: boolean;
}

export interface PayoutEventRow {
  payoutId: number;
  conversionEventId: number;
  /** `payout_events.commission_amount`: the partner's net on this conversion in this payout. */
  amountCents: bigint;
  isDeleted?: boolean;
}

/** A `commission_adjustments` row (see docs/payouts.md): a clawback after payout, netted later. */
export interface AdjustmentRow {
  adjustmentId: number;
  conversionEventId: number;
  partnerId: number;
  /** Negative for a clawback. */
  amountCents: bigint;
  /** ISO 4217 (its conversion's): it nets only into a payout of this currency. */
  currency?: string;
  /** The payout it was netted into; null while still owed. */
  payoutId: number | null;
  /** ISO UTC. */
  createdAt?: string | null;
  isDeleted?: boolean;
}

export interface LedgerRows {
  conversions: readonly ConversionRow[];
  touches: readonly TouchRow[];
  payouts: readonly PayoutRow[];
  payoutEvents: readonly PayoutEventRow[];
  adjustments?: readonly AdjustmentRow[];
}

/** `${partnerId}:${conversionEventId}` */
export type ShareKey = `${number}:${number}`;

export const shareKey = (partnerId: number, conversionEventId: number): ShareKey => `${partnerId}:${conversionEventId}`;

/** Each partner's touch share of each live conversion (a partner may have several touches on one). */
export function touchShares(touches: readonly TouchRow[]): Map<ShareKey, bigint> {
  const shares = new Map<ShareKey, bigint>();
  for (const touch of touches) {
    if (touch.isDeleted) continue;
    const key = shareKey(touch.partnerId, touch.conversionEventId);
    shares.set(key, (shares.get(key) ?? 0n) + (touch.touchValueCents ?? 0n));
  }
  return shares;
}

/**
 * Each credited partner's *gross share* of each conversion: what a payout pays (or paid) for it
 * before clawbacks. Touches always hold what the partner finally earns (a refund after payout
 * reduces them, see `reallocateCommission`), and every adjustment records the difference between
 * that and what payouts hold (`settleAdjustment`), so gross = touches - all adjustments.
 * Without any refund after payout it is just the touch share.
 */
export function grossShares(rows: LedgerRows): Map<ShareKey, bigint> {
  const adjustments = new Map<ShareKey, bigint>();
  for (const adjustment of rows.adjustments ?? []) {
    if (adjustment.isDeleted) continue;
    const key = shareKey(adjustment.partnerId, adjustment.conversionEventId);
    adjustments.set(key, (adjustments.get(key) ?? 0n) + adjustment.amountCents);
  }
  const gross = new Map<ShareKey, bigint>();
  for (const [key, amount] of touchShares(rows.touches)) gross.set(key, amount - (adjustments.get(key) ?? 0n));
  return gross;
}

/**
 * For every live payout event, the part of it that pays the partner's gross share: the event's
 * amount minus the adjustments netted into the same payout for the same conversion and partner.
 * Returned per share with the payout status, so callers can tell reserved from paid.
 */
export function shareComponents(rows: LedgerRows): Array<{
  key: ShareKey;
  payoutId: number;
  status: PayoutStatus;
  amountCents: bigint;
}> {
  const payouts = new Map(rows.payouts.filter((p) => !p.isDeleted).map((p) => [p.payoutId, p]));
  const netted = new Map<string, bigint>();
  for (const adjustment of rows.adjustments ?? []) {
    if (adjustment.isDeleted || adjustment.payoutId === null) continue;
    const key = `${adjustment.payoutId}:${adjustment.conversionEventId}`;
    netted.set(key, (netted.get(key) ?? 0n) + adjustment.amountCents);
  }
  const components: Array<{ key: ShareKey; payoutId: number; status: PayoutStatus; amountCents: bigint }> = [];
  for (const event of rows.payoutEvents) {
    if (event.isDeleted) continue;
    const payout = payouts.get(event.payoutId);
    if (!payout) continue;
    components.push({
      key: shareKey(payout.partnerId, event.conversionEventId),
      payoutId: payout.payoutId,
      status: payout.status,
      amountCents: event.amountCents - (netted.get(`${event.payoutId}:${event.conversionEventId}`) ?? 0n),
    });
  }
  return components;
}
