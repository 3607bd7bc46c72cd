import { describe, expect, it } from 'vitest';
import { selectPayableCredits } from '../../../../functions/domain/payouts/select-payable-credits.js';
import { conversionsToMarkPaid } from '../../../../functions/domain/payouts/conversions-to-mark-paid.js';
import { A, B, balancedLedger } from './ledger-fixture.js';

describe('selectPayableCredits', () => {
  it('nothing is payable in the balanced ledger: shares are paid, held by a payout, pending or rejected', () => {
    expect(selectPayableCredits(balancedLedger())).toEqual([]);
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
      { partnerId: B, conversionEventId: 505, amountCents: 1000n, eligibleAt: '2026-10-20T00:00:00.000Z' },
    ]);
  });

  it('a failed payout keeps holding its shares (it is retried, not re-planned)', () => {
    const ledger = balancedLedger();
    ledger.payouts[2]!.status = 'failed';

    expect(selectPayableCredits(ledger)).toEqual([]);
  });

  it('cancelling a failed payout releases its shares and its clawback for the next run', () => {
    const ledger = balancedLedger();
    ledger.payouts[2]!.status = 'failed';
    ledger.payouts[2]!.isDeleted = true;
    ledger.adjustments[0]!.payoutId = null;

    expect(selectPayableCredits(ledger)).toEqual([
      { partnerId: A, conversionEventId: 500, amountCents: -1000n, adjustmentId: 9 },
      { partnerId: A, conversionEventId: 504, amountCents: 8000n },
    ]);
  });

  it('an event that only nets a clawback does not hold the partner\'s unpaid share', () => {
    const ledger = balancedLedger();
    // B's share of 500 is unpaid (no payout 2), yet a clawback for B on 500 was netted into payout 7.
    ledger.payouts.splice(1, 1, { payoutId: 7, partnerId: B, status: 'completed', amountCents: 1700n });
    ledger.payoutEvents.splice(1, 2, { payoutId: 7, conversionEventId: 500, amountCents: -300n }, { payoutId: 7, conversionEventId: 501, amountCents: 2000n });
    ledger.adjustments.push({ adjustmentId: 10, conversionEventId: 500, partnerId: B, amountCents: -300n, payoutId: 7 });
    ledger.conversions[0]!.status = 'approved';

    expect(selectPayableCredits(ledger)).toEqual([{ partnerId: B, conversionEventId: 500, amountCents: 3333n }]);
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
