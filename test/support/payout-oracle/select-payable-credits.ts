import { grossShares, shareComponents, shareKey, type LedgerRows } from './ledger-rows.js';
import type { PayoutCredit } from './plan-payouts.js';

/**
 * The credits a payout run may pay, from the ledger rows: the spec of the SQL that feeds the
 * payout job.
 * - A partner's share of an `approved` conversion is payable until a live (not cancelled) payout
 *   of that partner holds it, whatever that payout's status: a failed payout keeps its events and
 *   is retried, so the share is never planned into a second payout. It is paid at its gross
 *   amount (`grossShares`): the touch share, plus back any clawback already recorded against an
 *   earlier hold that was cancelled, since that clawback is netted separately.
 * - An adjustment is payable until it is netted (`payout_id` set), whatever the conversion status.
 * Shares of pending, rejected or paid conversions are not payable.
 */
export function selectPayableCredits(rows: LedgerRows): PayoutCredit[] {
  const conversions = new Map(rows.conversions.filter((c) => !c.isDeleted).map((c) => [c.conversionEventId, c]));
  const gross = grossShares(rows);
  // An event whose share component is non-zero holds the share; an event that only nets a
  // clawback (component 0) does not, unless the share itself is zero.
  const anyEvent = new Set<string>();
  const nonZero = new Set<string>();
  for (const component of shareComponents(rows)) {
    anyEvent.add(component.key);
    if (component.amountCents !== 0n) nonZero.add(component.key);
  }
  const credits: PayoutCredit[] = [];
  for (const [key, amountCents] of gross) {
    const [partnerId, conversionEventId] = key.split(':').map(Number) as [number, number];
    const conversion = conversions.get(conversionEventId);
    if (!conversion || conversion.status !== 'approved') continue;
    const k = shareKey(partnerId, conversionEventId);
    if (nonZero.has(k) || (amountCents === 0n && anyEvent.has(k))) continue;
    credits.push({
      partnerId,
      conversionEventId,
      amountCents,
      ...(conversion.approvedAt ? { eligibleAt: conversion.approvedAt } : {}),
    });
  }
  for (const adjustment of rows.adjustments ?? []) {
    if (adjustment.isDeleted || adjustment.payoutId !== null) continue;
    credits.push({
      partnerId: adjustment.partnerId,
      conversionEventId: adjustment.conversionEventId,
      amountCents: adjustment.amountCents,
      adjustmentId: adjustment.adjustmentId,
      ...(adjustment.createdAt ? { eligibleAt: adjustment.createdAt } : {}),
    });
  }
  return credits.sort(
    (a, b) =>
      a.partnerId - b.partnerId ||
      a.conversionEventId - b.conversionEventId ||
      (a.adjustmentId ?? 0) - (b.adjustmentId ?? 0),
  );
}
