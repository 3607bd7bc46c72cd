import { describe, expect, it } from 'vitest';
import { selectPayableCredits } from '../../../../functions/domain/payouts/select-payable-credits.js';
import { conversionsToMarkPaid } from '../../../../functions/domain/payouts/conversions-to-mark-paid.js';
import { A, B, balancedLedger } from '../../../support/fixtures/ledger-fixture.js';

describe('selectPayableCredits', () => {
  it('in the balanced ledger only B\'s owed clawback is payable: shares are paid, held, pending or rejected', () => {
    expect(selectPayableCredits(balancedLedger())).toEqual([{ partnerId: B, conversionEventId: 500, amountCents: -500n, adjustmentId: 10 }]);
  });

  it('each credited partner\'s share of a newly approved conversion, summed over its touches', () => {
    const ledger = balancedLedger();
    ledger.conversions.push({ conversionEventId: 505, status: 'approved', commissionCents: 3000n, approvedAt: '2026-10-20T00:00:00.000Z' });
    ledger.touches.push(
      { conversionEventId: 505, partnerId: A, touchValueCents: 1000n },
      { conversionEventId: 505, partnerId: B, touchValueCents: 1000n },
      { conversionEventId: 505, partnerId: A, touchValueCents: 1000n },
      { conversionEventId: 505, partnerId: B, touchValueCents: 0n, isDeleted: true },
    );

    expect(selectPayableCredits(ledger)).toEqual([
      { partnerId: A, conversionEventId: 505, amountCents: 2000n, eligibleAt: '2026-10-20T00:00:00.000Z' },
      { partnerId: B, conversionEventId: 500, amountCents: -500n, adjustmentId: 10 },
      { partnerId: B, conversionEventId: 505, amountCents: 1000n, eligibleAt: '2026-10-20T00:00:00.000Z' },
    ]);
  });

  it('a failed payout keeps holding its shares (it is retried, not re-planned)', () => {
    const ledger = balancedLedger();
    ledger.payouts[2]!.status = 'failed';

    expect(selectPayableCredits(ledger).filter((c) => c.partnerId === A)).toEqual([]);
  });

  it('cancelling a failed payout releases its shares and its clawback for the next run', () => {
    const ledger = balancedLedger();
    ledger.payouts[2]!.status = 'failed';
    ledger.payouts[2]!.isDeleted = true;
    ledger.adjustments[0]!.payoutId = null;

    expect(selectPayableCredits(ledger).filter((c) => c.partnerId === A)).toEqual([
      { partnerId: A, conversionEventId: 500, amountCents: -1000n, adjustmentId: 9 },
      { partnerId: A, conversionEventId: 504, amountCents: 8000n },
    ]);
  });

  it('a held share refunded and then released is re-offered gross, its clawback netted beside it', () => {
    const ledger = balancedLedger();
    // 25% of order 504 refunded while A's share sat in failed payout 3: A now earns 60.00, and
    // because payout 3 holds 80.00 the refund recorded a -20.00 clawback. Then payout 3 is cancelled.
    ledger.conversions[4]!.commissionCents = 6000n;
    ledger.touches[6]!.touchValueCents = 6000n;
    ledger.adjustments.push({ adjustmentId: 12, conversionEventId: 504, partnerId: A, amountCents: -2000n, payoutId: null });
    ledger.payouts[2]!.status = 'failed';
    ledger.payouts[2]!.isDeleted = true;
    ledger.adjustments[0]!.payoutId = null;

    const credits = selectPayableCredits(ledger).filter((c) => c.conversionEventId === 504);

    expect(credits).toEqual([
      { partnerId: A, conversionEventId: 504, amountCents: 8000n },
      { partnerId: A, conversionEventId: 504, amountCents: -2000n, adjustmentId: 12 },
    ]);
    expect(credits.reduce((sum, c) => sum + c.amountCents, 0n)).toBe(6000n); // exactly what A earns
  });
});

describe('conversionsToMarkPaid', () => {
  it('marks a multi-touch conversion paid only when every credited partner\'s share completed', () => {
    const ledger = balancedLedger();
    ledger.conversions[0]!.status = 'approved';
    ledger.payouts[1]!.status = 'processing'; // B's share of 500 not yet paid

    expect(conversionsToMarkPaid(ledger)).toEqual([]);

    ledger.payouts[1]!.status = 'completed';
    expect(conversionsToMarkPaid(ledger)).toEqual([500]);
  });

  it('not when the share is in a completed payout with the wrong amount', () => {
    const ledger = balancedLedger();
    ledger.conversions[1]!.status = 'approved';
    ledger.payoutEvents[2]!.amountCents = 1999n;

    expect(conversionsToMarkPaid(ledger)).toEqual([]);
  });
});
