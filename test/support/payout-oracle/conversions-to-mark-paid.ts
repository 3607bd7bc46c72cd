import { grossShares, shareComponents, type LedgerRows, type ShareKey } from './ledger-rows.js';

/**
 * The approved conversions that are now fully paid out: every partner with a non-zero gross share
 * has exactly that share in completed payouts. The transaction that completes a payout marks
 * exactly these `paid`; a conversion shared with a partner still below the threshold stays
 * `approved` until that partner's share is paid too. Conversions without any non-zero share have
 * nothing to pay and stay `approved`.
 */
export function conversionsToMarkPaid(rows: LedgerRows): number[] {
  const completed = completedShares(rows);
  const shares = new Map<number, Array<[ShareKey, bigint]>>();
  for (const [key, amount] of grossShares(rows)) {
    if (amount === 0n) continue;
    const conversionEventId = Number(key.split(':')[1]);
    shares.set(conversionEventId, [...(shares.get(conversionEventId) ?? []), [key, amount]]);
  }
  return rows.conversions
    .filter((c) => !c.isDeleted && c.status === 'approved')
    .filter((c) => {
      const credited = shares.get(c.conversionEventId) ?? [];
      return credited.length > 0 && credited.every(([key, amount]) => completed.get(key) === amount);
    })
    .map((c) => c.conversionEventId)
    .sort((a, b) => a - b);
}

/** Per share, the part of completed payouts that paid it (clawbacks netted there excluded). */
export function completedShares(rows: LedgerRows): Map<ShareKey, bigint> {
  const completed = new Map<ShareKey, bigint>();
  for (const component of shareComponents(rows)) {
    if (component.status !== 'completed') continue;
    completed.set(component.key, (completed.get(component.key) ?? 0n) + component.amountCents);
  }
  return completed;
}
