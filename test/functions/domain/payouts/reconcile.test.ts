import { describe, expect, it, test } from 'vitest';
import fc from 'fast-check';
import { reconcile, type ViolationKind } from '../../../../functions/domain/payouts/reconcile.js';
import { A, B, balancedLedger } from '../../../support/fixtures/ledger-fixture.js';

type Ledger = ReturnType<typeof balancedLedger>;

const kinds = (ledger: Ledger): ViolationKind[] => reconcile(ledger).map((v) => v.kind);

describe('reconcile', () => {
  it('a balanced ledger with multi-touch credit, a netted clawback and an owed one has no violations', () => {
    expect(reconcile(balancedLedger())).toEqual([]);
  });

  it('an empty ledger balances', () => {
    expect(reconcile({ conversions: [], touches: [], payouts: [], payoutEvents: [] })).toEqual([]);
  });

  test.each<[string, (ledger: Ledger) => void, ViolationKind]>([
    [
      'a payout amount that is not the sum of its events',
      (l) => void (l.payouts[0]!.amountCents = 6600n),
      'payout_amount_not_equal_events',
    ],
    [
      'touches that do not add up to the commission',
      (l) => void (l.conversions[4]!.commissionCents = 8001n),
      'touches_not_equal_commission',
    ],
    [
      'a share paid twice (a second payout holding A\'s share of 500)',
      (l) => {
        l.payouts.push({ payoutId: 4, partnerId: A, status: 'pending', amountCents: 6667n });
        l.payoutEvents.push({ payoutId: 4, conversionEventId: 500, amountCents: 6667n });
      },
      'share_paid_incorrectly',
    ],
    [
      'a share paid with the wrong amount',
      (l) => {
        l.payouts[1]!.amountCents = 5334n;
        l.payoutEvents[1]!.amountCents = 3334n;
      },
      'share_paid_incorrectly',
    ],
    [
      'a conversion fully paid out but still approved',
      (l) => void (l.conversions[1]!.status = 'approved'),
      'paid_out_not_marked_paid',
    ],
    [
      'a conversion marked paid while a credited partner\'s payout has not completed',
      (l) => void (l.payouts[1]!.status = 'processing'),
      'paid_not_paid_out',
    ],
    [
      'a pending conversion inside a payout',
      (l) => {
        l.payouts[2]!.amountCents += 5000n;
        l.payoutEvents.push({ payoutId: 3, conversionEventId: 502, amountCents: 5000n });
      },
      'event_on_unpayable_conversion',
    ],
    [
      'a rejected conversion inside a payout (rejected after it was planned)',
      (l) => void (l.conversions[4]!.status = 'rejected'),
      'event_on_unpayable_conversion',
    ],
    [
      'a payout event for a partner with no touch on the conversion',
      (l) => {
        l.payouts.push({ payoutId: 5, partnerId: B, status: 'pending', amountCents: 5000n });
        l.payoutEvents.push({ payoutId: 5, conversionEventId: 504, amountCents: 5000n });
      },
      'event_without_credit',
    ],
    [
      'a clawback netted into another partner\'s payout',
      (l) => void (l.adjustments[0]!.payoutId = 2),
      'event_without_credit',
    ],
    [
      'a completed payout cancelled',
      (l) => void (l.payouts[0]!.isDeleted = true),
      'sent_payout_deleted',
    ],
    [
      'a payout of zero',
      (l) => {
        l.payouts.push({ payoutId: 6, partnerId: B, status: 'pending', amountCents: 0n });
      },
      'payout_not_positive',
    ],
  ])('finds %s', (_label, corrupt, kind) => {
    const ledger = balancedLedger();
    corrupt(ledger);
    expect(kinds(ledger)).toContain(kind);
  });

  it('a refund after payout that is not recorded as a clawback is found', () => {
    const ledger = balancedLedger();
    ledger.adjustments.splice(1, 1); // B's -5.00 lost: B keeps 33.33 but earns 28.33

    expect(reconcile(ledger)).toEqual([
      { kind: 'share_paid_incorrectly', partnerId: B, conversionEventId: 500, expectedCents: 2833n, actualCents: 3333n },
      { kind: 'paid_not_paid_out', conversionEventId: 500, partnerId: B, expectedCents: 2833n, actualCents: 3333n },
    ]);
  });

  it('a conversion fully refunded after payout (rejected, clawbacks recorded) balances', () => {
    const ledger = balancedLedger();
    ledger.conversions[1] = { conversionEventId: 501, status: 'rejected', commissionCents: 0n };
    ledger.touches[3]!.touchValueCents = 0n;
    ledger.adjustments.push({ adjustmentId: 11, conversionEventId: 501, partnerId: B, amountCents: -2000n, payoutId: null });

    expect(reconcile(ledger)).toEqual([]);
  });

  it('reports the amounts involved, for the operator', () => {
    const ledger = balancedLedger();
    ledger.payouts[0]!.amountCents = 6600n; // $66.00 recorded, $66.67 in events

    expect(reconcile(ledger)).toEqual([
      { kind: 'payout_amount_not_equal_events', payoutId: 1, partnerId: A, expectedCents: 6600n, actualCents: 6667n },
    ]);
  });

  it('a cancelled failed payout releases its shares without a violation', () => {
    const ledger = balancedLedger();
    ledger.payouts[2]!.status = 'failed';
    ledger.payouts[2]!.isDeleted = true;
    ledger.adjustments[0]!.payoutId = null; // the cancellation also un-nets its clawback

    expect(reconcile(ledger)).toEqual([]);
  });

  it('partner B partially paid: the conversion waits as approved without a violation', () => {
    const ledger = balancedLedger();
    // B's payout 2 never happened (B was below the threshold): 500 and 501 are approved, not paid,
    // and the refund simply reduced B's unpaid share (no clawback).
    ledger.payouts.splice(1, 1);
    ledger.payoutEvents.splice(1, 2);
    ledger.adjustments.splice(1, 1);
    ledger.conversions[0]!.status = 'approved';
    ledger.conversions[1]!.status = 'approved';

    expect(reconcile(ledger)).toEqual([]);
  });

  it('property: tampering with any payout event, even with its payout total kept consistent, is detected', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.bigInt({ min: -100000n, max: 100000n }).filter((d) => d !== 0n),
        fc.boolean(),
        (pick, delta, keepTotal) => {
          const ledger = balancedLedger();
          const event = ledger.payoutEvents[pick % ledger.payoutEvents.length]!;
          event.amountCents += delta;
          if (keepTotal) ledger.payouts.find((p) => p.payoutId === event.payoutId)!.amountCents += delta;
          expect(reconcile(ledger).length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('property: tampering with any touch value is detected', () => {
    fc.assert(
      fc.property(fc.nat(), fc.bigInt({ min: -10000n, max: 10000n }).filter((d) => d !== 0n), (pick, delta) => {
        const ledger = balancedLedger();
        const touches = ledger.touches.filter((t) => t.conversionEventId !== 503); // rejected: not checked
        touches[pick % touches.length]!.touchValueCents! += delta;
        expect(reconcile(ledger).length).toBeGreaterThan(0);
      }),
    );
  });
});
