/**
 * A small, balanced ledger used by the reconciliation and selection tests: multi-touch credit,
 * both partners paid, then a 15% refund after payout: touches now hold what each partner earns,
 * A's clawback is netted into its pending payout and B's is still owed. Amounts in cents.
 */
import type { LedgerRows } from './ledger-rows.js';

export const A = 1;
export const B = 2;

export function balancedLedger(): {
  conversions: LedgerRows['conversions'][number][];
  touches: LedgerRows['touches'][number][];
  payouts: LedgerRows['payouts'][number][];
  payoutEvents: LedgerRows['payoutEvents'][number][];
  adjustments: NonNullable<LedgerRows['adjustments']>[number][];
} {
  return {
    conversions: [
      // $100.00 commission, linear A -> B -> A: A 66.67, B 33.33, both paid out; then 15% of the
      // order refunded: $85.00, A 56.67 (-10.00), B 28.33 (-5.00).
      { conversionEventId: 500, status: 'paid', commissionCents: 8500n },
      { conversionEventId: 501, status: 'paid', commissionCents: 2000n }, // B only, $20.00
      { conversionEventId: 502, status: 'pending', commissionCents: 5000n }, // A, still in its hold period
      { conversionEventId: 503, status: 'rejected', commissionCents: 0n },
      { conversionEventId: 504, status: 'approved', commissionCents: 8000n }, // A, in the pending payout 3
    ],
    touches: [
      { conversionEventId: 500, partnerId: A, touchValueCents: 2834n },
      { conversionEventId: 500, partnerId: B, touchValueCents: 2833n },
      { conversionEventId: 500, partnerId: A, touchValueCents: 2833n },
      { conversionEventId: 501, partnerId: B, touchValueCents: 2000n },
      { conversionEventId: 502, partnerId: A, touchValueCents: 5000n },
      { conversionEventId: 503, partnerId: A, touchValueCents: 1500n }, // rejected: not checked, not payable
      { conversionEventId: 504, partnerId: A, touchValueCents: 8000n },
    ],
    payouts: [
      { payoutId: 1, partnerId: A, status: 'completed', amountCents: 6667n },
      { payoutId: 2, partnerId: B, status: 'completed', amountCents: 5333n },
      // $80.00 - $10.00 clawback on 500 (partial refund after payout 1)
      { payoutId: 3, partnerId: A, status: 'pending', amountCents: 7000n },
    ],
    payoutEvents: [
      { payoutId: 1, conversionEventId: 500, amountCents: 6667n },
      { payoutId: 2, conversionEventId: 500, amountCents: 3333n },
      { payoutId: 2, conversionEventId: 501, amountCents: 2000n },
      { payoutId: 3, conversionEventId: 504, amountCents: 8000n },
      { payoutId: 3, conversionEventId: 500, amountCents: -1000n },
    ],
    adjustments: [
      { adjustmentId: 9, conversionEventId: 500, partnerId: A, amountCents: -1000n, payoutId: 3 },
      { adjustmentId: 10, conversionEventId: 500, partnerId: B, amountCents: -500n, payoutId: null },
    ],
  };
}
