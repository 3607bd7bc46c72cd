import { completedShares, conversionsToMarkPaid } from './conversions-to-mark-paid.js';
import { grossShares, shareComponents, shareKey, touchShares, type LedgerRows, type ShareKey } from './ledger-rows.js';

export type ViolationKind =
  /** sum(touches.touch_value) != conversion_events.commission_amount (non-rejected conversions). */
  | 'touches_not_equal_commission'
  /** payouts.amount != sum(payout_events.commission_amount). */
  | 'payout_amount_not_equal_events'
  /** A payout of zero or less was created. */
  | 'payout_not_positive'
  /**
   * A live payout holds a share of a conversion that is pending, unknown, or rejected without the
   * clawback that settles it (a vendor rejection of a conversion already in a payout).
   */
  | 'event_on_unpayable_conversion'
  /** A partner's gross share of a conversion is held by live payouts neither 0 nor exactly 1 times. */
  | 'share_paid_incorrectly'
  /** A payout event for a partner without any touch on the conversion, or an adjustment in another partner's payout. */
  | 'event_without_credit'
  /** The conversion is `paid` but a credited partner's gross share is not in completed payouts. */
  | 'paid_not_paid_out'
  /** Every credited share is in completed payouts but the conversion is still `approved`. */
  | 'paid_out_not_marked_paid'
  /** A completed or processing payout was cancelled (accounting forbids it). */
  | 'sent_payout_deleted'
  /**
   * A payout holds an event of a conversion, or nets an adjustment, of another currency than its
   * own: amounts of two currencies were added.
   */
  | 'payout_currency_mismatch';

export interface Violation {
  kind: ViolationKind;
  conversionEventId?: number;
  payoutId?: number;
  partnerId?: number;
  adjustmentId?: number;
  expectedCents?: bigint;
  actualCents?: bigint;
}

/**
 * The money invariants, checked on ledger rows; an empty list means the books balance. This is the
 * spec of the operator's reconciliation query: the SQL version must report the same violations on
 * the same rows.
 *
 * Model: touches hold what each partner finally earns; payout events hold gross shares plus the
 * clawbacks netted into that payout; `commission_adjustments` hold earned - paid for shares a
 * refund changed after they were paid (or held). So per partner and conversion, once paid:
 * held gross share + all adjustments = touches.
 */
export function reconcile(rows: LedgerRows): Violation[] {
  const violations: Violation[] = [];
  const conversions = new Map(rows.conversions.filter((c) => !c.isDeleted).map((c) => [c.conversionEventId, c]));
  const livePayouts = new Map(rows.payouts.filter((p) => !p.isDeleted).map((p) => [p.payoutId, p]));
  const gross = grossShares(rows);

  // touches = commission
  const touchTotals = new Map<number, bigint>();
  for (const [key, amount] of touchShares(rows.touches)) {
    const conversionEventId = Number(key.split(':')[1]);
    touchTotals.set(conversionEventId, (touchTotals.get(conversionEventId) ?? 0n) + amount);
  }
  for (const conversion of conversions.values()) {
    if (conversion.status === 'rejected') continue;
    const expected = conversion.commissionCents ?? 0n;
    const actual = touchTotals.get(conversion.conversionEventId) ?? 0n;
    if (expected !== actual) {
      violations.push({
        kind: 'touches_not_equal_commission',
        conversionEventId: conversion.conversionEventId,
        expectedCents: expected,
        actualCents: actual,
      });
    }
  }

  // payout_events = payout
  const eventTotals = new Map<number, bigint>();
  for (const event of rows.payoutEvents) {
    if (event.isDeleted) continue;
    eventTotals.set(event.payoutId, (eventTotals.get(event.payoutId) ?? 0n) + event.amountCents);
  }
  for (const payout of rows.payouts) {
    if (payout.isDeleted) {
      if (payout.status === 'completed' || payout.status === 'processing') {
        violations.push({ kind: 'sent_payout_deleted', payoutId: payout.payoutId, partnerId: payout.partnerId });
      }
      continue;
    }
    const events = eventTotals.get(payout.payoutId) ?? 0n;
    if (events !== payout.amountCents) {
      violations.push({
        kind: 'payout_amount_not_equal_events',
        payoutId: payout.payoutId,
        partnerId: payout.partnerId,
        expectedCents: payout.amountCents,
        actualCents: events,
      });
    }
    if (payout.amountCents <= 0n) {
      violations.push({ kind: 'payout_not_positive', payoutId: payout.payoutId, partnerId: payout.partnerId, actualCents: payout.amountCents });
    }
  }

  // Every live payout is of one currency: its events' conversions and its netted adjustments.
  for (const event of rows.payoutEvents) {
    if (event.isDeleted) continue;
    const payout = livePayouts.get(event.payoutId);
    const conversion = conversions.get(event.conversionEventId);
    if (payout?.currency !== undefined && conversion?.currency !== undefined && payout.currency !== conversion.currency) {
      violations.push({
        kind: 'payout_currency_mismatch',
        payoutId: payout.payoutId,
        partnerId: payout.partnerId,
        conversionEventId: event.conversionEventId,
      });
    }
  }

  const adjusted = new Set<ShareKey>();
  for (const adjustment of rows.adjustments ?? []) {
    if (adjustment.isDeleted) continue;
    adjusted.add(shareKey(adjustment.partnerId, adjustment.conversionEventId));
    if (adjustment.payoutId === null) continue;
    const payout = livePayouts.get(adjustment.payoutId);
    if (payout?.currency !== undefined && adjustment.currency !== undefined && payout.currency !== adjustment.currency) {
      violations.push({
        kind: 'payout_currency_mismatch',
        adjustmentId: adjustment.adjustmentId,
        payoutId: adjustment.payoutId,
        partnerId: adjustment.partnerId,
        conversionEventId: adjustment.conversionEventId,
      });
    }
    if (!payout || payout.partnerId !== adjustment.partnerId) {
      violations.push({
        kind: 'event_without_credit',
        adjustmentId: adjustment.adjustmentId,
        payoutId: adjustment.payoutId,
        partnerId: adjustment.partnerId,
        conversionEventId: adjustment.conversionEventId,
      });
    }
  }

  // Each gross share is held by live payouts zero times or exactly once.
  const held = new Map<ShareKey, bigint>();
  const holders = new Map<ShareKey, number[]>();
  for (const component of shareComponents(rows)) {
    held.set(component.key, (held.get(component.key) ?? 0n) + component.amountCents);
    if (component.amountCents !== 0n) holders.set(component.key, [...(holders.get(component.key) ?? []), component.payoutId]);
  }
  for (const [key, amount] of held) {
    const [partnerId, conversionEventId] = key.split(':').map(Number) as [number, number];
    const share = gross.get(key);
    if (share === undefined) {
      // An event that only nets clawbacks needs no touch.
      if (amount !== 0n) violations.push({ kind: 'event_without_credit', partnerId, conversionEventId, actualCents: amount });
      continue;
    }
    if (amount !== 0n && amount !== share) {
      violations.push({ kind: 'share_paid_incorrectly', partnerId, conversionEventId, expectedCents: share, actualCents: amount });
    }
    const conversion = conversions.get(conversionEventId);
    const unpayable =
      !conversion || conversion.status === 'pending' || (conversion.status === 'rejected' && !adjusted.has(key));
    if (unpayable) {
      for (const payoutId of holders.get(key) ?? []) {
        violations.push({ kind: 'event_on_unpayable_conversion', payoutId, partnerId, conversionEventId });
      }
    }
  }

  // paid = paid out
  const completed = completedShares(rows);
  const sharesByConversion = new Map<number, Array<[ShareKey, bigint]>>();
  for (const [key, amount] of gross) {
    if (amount === 0n) continue;
    const conversionEventId = Number(key.split(':')[1]);
    sharesByConversion.set(conversionEventId, [...(sharesByConversion.get(conversionEventId) ?? []), [key, amount]]);
  }
  for (const conversion of conversions.values()) {
    if (conversion.status !== 'paid') continue;
    for (const [key, amount] of sharesByConversion.get(conversion.conversionEventId) ?? []) {
      if ((completed.get(key) ?? 0n) === amount) continue;
      violations.push({
        kind: 'paid_not_paid_out',
        conversionEventId: conversion.conversionEventId,
        partnerId: Number(key.split(':')[0]),
        expectedCents: amount,
        actualCents: completed.get(key) ?? 0n,
      });
    }
  }
  for (const conversionEventId of conversionsToMarkPaid(rows)) {
    violations.push({ kind: 'paid_out_not_marked_paid', conversionEventId });
  }

  return violations;
}
