import { conversionsToMarkPaid } from './conversions-to-mark-paid.js';
import { shareComponents, touchShares, type LedgerRows, type ShareKey } from './ledger-rows.js';

export type ViolationKind =
  /** sum(touches.touch_value) != conversion_events.commission_amount (non-rejected conversions). */
  | 'touches_not_equal_commission'
  /** payouts.amount != sum(payout_events.commission_amount). */
  | 'payout_amount_not_equal_events'
  /** A payout of zero or less was created. */
  | 'payout_not_positive'
  /** A live payout holds a conversion that is pending, rejected, deleted or unknown. */
  | 'event_on_unpayable_conversion'
  /** A partner's share of a conversion is held by live payouts neither 0 nor exactly 1 times. */
  | 'share_paid_incorrectly'
  /** A payout event for a partner without any touch on the conversion, or an adjustment in another partner's payout. */
  | 'event_without_credit'
  /** The conversion is `paid` but a credited partner's share is not in a completed payout. */
  | 'paid_not_paid_out'
  /** Every credited share is in completed payouts but the conversion is still `approved`. */
  | 'paid_out_not_marked_paid'
  /** A completed or processing payout was cancelled (accounting forbids it). */
  | 'sent_payout_deleted';

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
 */
export function reconcile(rows: LedgerRows): Violation[] {
  const violations: Violation[] = [];
  const conversions = new Map(rows.conversions.filter((c) => !c.isDeleted).map((c) => [c.conversionEventId, c]));
  const livePayouts = new Map(rows.payouts.filter((p) => !p.isDeleted).map((p) => [p.payoutId, p]));
  const shares = touchShares(rows.touches);

  // touches = commission
  const touchTotals = new Map<number, bigint>();
  for (const [key, amount] of shares) {
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
    const payout = livePayouts.get(event.payoutId);
    const conversion = conversions.get(event.conversionEventId);
    if (payout && (!conversion || conversion.status === 'pending' || conversion.status === 'rejected')) {
      violations.push({
        kind: 'event_on_unpayable_conversion',
        payoutId: event.payoutId,
        conversionEventId: event.conversionEventId,
      });
    }
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

  for (const adjustment of rows.adjustments ?? []) {
    if (adjustment.isDeleted || adjustment.payoutId === null) continue;
    const payout = livePayouts.get(adjustment.payoutId);
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

  // Each share is held by live payouts zero times or exactly once; paid only via completed payouts.
  const held = new Map<ShareKey, bigint>();
  const completed = new Map<ShareKey, bigint>();
  for (const component of shareComponents(rows)) {
    held.set(component.key, (held.get(component.key) ?? 0n) + component.amountCents);
    if (component.status === 'completed') {
      completed.set(component.key, (completed.get(component.key) ?? 0n) + component.amountCents);
    }
  }
  for (const [key, amount] of held) {
    const [partnerId, conversionEventId] = key.split(':').map(Number) as [number, number];
    const share = shares.get(key);
    if (share === undefined) {
      // An event that only carries adjustments (a manual bonus or clawback) needs no touch.
      if (amount !== 0n) violations.push({ kind: 'event_without_credit', partnerId, conversionEventId, actualCents: amount });
    } else if (amount !== 0n && amount !== share) {
      violations.push({ kind: 'share_paid_incorrectly', partnerId, conversionEventId, expectedCents: share, actualCents: amount });
    }
  }
  const sharesByConversion = new Map<number, Array<[ShareKey, bigint]>>();
  for (const [key, amount] of shares) {
    const conversionEventId = Number(key.split(':')[1]);
    const list = sharesByConversion.get(conversionEventId) ?? [];
    list.push([key, amount]);
    sharesByConversion.set(conversionEventId, list);
  }
  for (const conversion of conversions.values()) {
    if (conversion.status !== 'paid') continue;
    const credited = (sharesByConversion.get(conversion.conversionEventId) ?? []).filter(([, amount]) => amount !== 0n);
    for (const [key, amount] of credited) {
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
