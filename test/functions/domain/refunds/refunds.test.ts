import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  emptyLedger,
  recordLedgerEvent,
  reallocateCommission,
  reduceRefunds,
  resolveLedger,
  settleAdjustment,
  type LedgerEvent,
  type RefundEvent,
} from '../../../../functions/domain/refunds/index.js';

const refund = (eventId: string, amountCents?: bigint, extra: Partial<RefundEvent> = {}): RefundEvent => ({
  eventId,
  reason: 'refund',
  amountCents,
  ...extra,
});

describe('reduceRefunds: $10.00 commission on a $100.00 sale', () => {
  it.each<[string, RefundEvent[], string, bigint, string | null]>([
    ['no refund', [], 'approved', 1000n, null],
    ['partial refund of $25.00 keeps 75 %', [refund('e1', 2500n)], 'approved', 750n, null], // $7.50
    ['two partial refunds add up', [refund('e1', 2500n), refund('e2', 2500n)], 'approved', 500n, null], // $5.00
    ['a duplicate refund counts once', [refund('e1', 2500n), refund('e1', 2500n)], 'approved', 750n, null],
    ['half-up rounding: $33.33 refunded keeps $6.667 -> $6.67', [refund('e1', 3333n)], 'approved', 667n, null],
    ['half-up rounding at exactly half: $0.05 refunded keeps $9.995 -> $10.00', [refund('e1', 5n)], 'approved', 1000n, null],
    ['a full refund rejects', [refund('e1')], 'rejected', 0n, 'refund'],
    ['partial refunds reaching the total reject', [refund('e1', 6000n), refund('e2', 4000n)], 'rejected', 0n, 'refund'],
    ['over-refunding is capped at the sale', [refund('e1', 15000n)], 'rejected', 0n, 'refund'],
    ['running totals (Stripe amount_refunded) take the max, not the sum', [refund('e1', 3000n, { cumulative: true }), refund('e2', 5000n, { cumulative: true })], 'approved', 500n, null],
    ['running total and the same refund seen individually do not double count', [refund('e1', 3000n, { cumulative: true }), refund('r1', 3000n)], 'approved', 700n, null],
    ['a dispute of the whole sale rejects with reason dispute', [{ eventId: 'd1', reason: 'dispute' }], 'rejected', 0n, 'dispute'],
    ['a partial dispute reduces like a refund', [{ eventId: 'd1', reason: 'dispute', amountCents: 5000n }], 'approved', 500n, null],
  ])('%s', (_label, events, status, adjusted, reason) => {
    const result = reduceRefunds({ saleAmountCents: 10_000n, commissionCents: 1000n, events, currentStatus: 'approved' });
    expect(result.status).toBe(status);
    expect(result.adjustedCommissionCents).toBe(adjusted);
    expect(result.commissionReversedCents).toBe(1000n - adjusted);
    expect(result.rejectionReason).toBe(reason);
    expect(result.adjustmentCents).toBe(0n); // nothing paid yet: reduce in place
  });

  it.each<[string, RefundEvent[], bigint, string, bigint]>([
    ['partial refund after payout: -$2.50 to net next payout', [refund('e1', 2500n)], 1000n, 'paid', -250n],
    ['full refund after payout: -$10.00', [refund('e1')], 1000n, 'rejected', -1000n],
    ['no refund after payout: nothing owed', [], 1000n, 'paid', 0n],
  ])('%s', (_label, events, paidOutCents, status, adjustment) => {
    const result = reduceRefunds({ saleAmountCents: 10_000n, commissionCents: 1000n, events, currentStatus: 'paid', paidOutCents });
    expect(result.status).toBe(status);
    expect(result.adjustmentCents).toBe(adjustment);
  });

  it('a zero-value sale (flat signup bonus) is fully reversed by any refund', () => {
    expect(reduceRefunds({ saleAmountCents: 0n, commissionCents: 500n, events: [refund('e1', 0n)] })).toMatchObject({
      status: 'rejected',
      adjustedCommissionCents: 0n,
    });
  });

  it('conflicting copies of one event id keep the larger claim whatever the order', () => {
    const a = refund('e1', 2000n);
    const b = refund('e1', 3000n);
    const one = reduceRefunds({ saleAmountCents: 10_000n, commissionCents: 1000n, events: [a, b] });
    const two = reduceRefunds({ saleAmountCents: 10_000n, commissionCents: 1000n, events: [b, a] });
    expect(one).toEqual(two);
    expect(one.adjustedCommissionCents).toBe(700n);
  });
});

describe('disputes', () => {
  const dispute: RefundEvent = { eventId: 'evt_created', reason: 'dispute', disputeId: 'dp_1' };
  const won: RefundEvent = { eventId: 'evt_closed', reason: 'dispute_won', disputeId: 'dp_1' };
  it.each<[string, RefundEvent[], string, bigint]>([
    ['an open dispute rejects', [dispute], 'rejected', 0n],
    ['a dispute then its win restores the commission', [dispute, won], 'approved', 1000n],
    ['the win arriving first has the same effect', [won, dispute], 'approved', 1000n],
    ['a win for another dispute changes nothing', [dispute, { ...won, disputeId: 'dp_2' }], 'rejected', 0n],
    ['a won dispute does not cancel a refund', [dispute, won, refund('r1', 5000n)], 'approved', 500n],
  ])('%s', (_label, events, status, adjusted) => {
    const result = reduceRefunds({ saleAmountCents: 10_000n, commissionCents: 1000n, events, currentStatus: 'approved' });
    expect(result.status).toBe(status);
    expect(result.adjustedCommissionCents).toBe(adjusted);
  });

  it('after payout: lost (-$10.00), then won (+$10.00 restores the clawback)', () => {
    const lost = reduceRefunds({ saleAmountCents: 10_000n, commissionCents: 1000n, events: [dispute], currentStatus: 'paid', paidOutCents: 1000n });
    expect(lost.adjustmentCents).toBe(-1000n);
    const restored = reduceRefunds({
      saleAmountCents: 10_000n,
      commissionCents: 1000n,
      events: [dispute, won],
      currentStatus: 'paid',
      paidOutCents: 1000n,
      priorAdjustmentsCents: lost.adjustmentCents,
    });
    expect(restored).toMatchObject({ status: 'paid', adjustedCommissionCents: 1000n, adjustmentCents: 1000n });
  });
});

describe('settleAdjustment', () => {
  it.each<[string, bigint, bigint, bigint, bigint]>([
    // [label, adjusted, paid, prior adjustments, next adjustment]
    ['unpaid: reduce in place', 500n, 0n, 0n, 0n],
    ['paid $10.00, now earns $7.50: -$2.50', 750n, 1000n, 0n, -250n],
    ['paid $10.00, already clawed -$2.50, now earns $5.00: another -$2.50', 500n, 1000n, -250n, -250n],
    ['the same state again: nothing more', 500n, 1000n, -500n, 0n],
    ['clawed -$10.00 then the dispute is won: +$10.00', 1000n, 1000n, -1000n, 1000n],
    ['never restores more than was clawed back', 1200n, 1000n, -100n, 100n],
    ['earning more than paid with no clawback: nothing (payouts carry it)', 1200n, 1000n, 0n, 0n],
  ])('%s', (_label, adjustedCents, paidCents, priorAdjustmentsCents, next) => {
    expect(settleAdjustment({ adjustedCents, paidCents, priorAdjustmentsCents })).toBe(next);
  });
});

describe('reallocateCommission: A earned $6.67 and B $3.33 of a $10.00 multi-touch commission', () => {
  const shares = [
    { partnerId: 'A', originalCents: 667n, paidCents: 667n },
    { partnerId: 'B', originalCents: 333n },
  ];
  it.each<[string, bigint, [bigint, bigint], [bigint, bigint]]>([
    ['no change', 1000n, [667n, 333n], [0n, 0n]],
    ['25 % refunded -> $7.50: A paid owes back, B unpaid is reduced', 750n, [500n, 250n], [-167n, 0n]],
    ['fully refunded', 0n, [0n, 0n], [-667n, 0n]],
    ['an odd cent goes to the largest remainder', 1n, [1n, 0n], [-666n, 0n]],
  ])('%s', (_label, adjusted, parts, adjustments) => {
    const result = reallocateCommission(shares, adjusted);
    expect(result.map((r) => r.adjustedCents)).toEqual(parts);
    expect(result.map((r) => r.adjustmentCents)).toEqual(adjustments);
  });

  it('refuses to spread money over shares that were all zero', () => {
    expect(reallocateCommission([{ partnerId: 'A', originalCents: 0n }], 0n)).toEqual([{ partnerId: 'A', adjustedCents: 0n, adjustmentCents: 0n }]);
    expect(() => reallocateCommission([{ partnerId: 'A', originalCents: 0n }], 5n)).toThrow(RangeError);
  });
});

describe('conversion ledger', () => {
  it('a refund arriving before its sale is held, then applied', () => {
    let ledger = recordLedgerEvent(emptyLedger, { kind: 'refund', ...refund('r1', 5000n) });
    expect(resolveLedger(ledger)).toEqual({ hasSale: false, heldRefunds: [refund('r1', 5000n)] });
    ledger = recordLedgerEvent(ledger, { kind: 'sale', eventId: 's1', saleAmountCents: 10_000n, commissionCents: 1000n });
    expect(resolveLedger(ledger)).toMatchObject({ hasSale: true, status: 'pending', adjustedCommissionCents: 500n });
  });
});

describe('properties', () => {
  const saleArb = fc.record({
    saleAmountCents: fc.bigInt({ min: 1n, max: 10n ** 9n }),
    rateBp: fc.bigInt({ min: 0n, max: 10_000n }),
  });
  const refundsArb = fc.array(
    fc.record({
      amount: fc.option(fc.bigInt({ min: 0n, max: 10n ** 9n }), { nil: undefined }),
      reason: fc.constantFrom<'refund' | 'dispute' | 'dispute_won'>('refund', 'dispute', 'dispute_won'),
      disputeId: fc.constantFrom('dp_1', 'dp_2', null),
      cumulative: fc.boolean(),
    }),
    { maxLength: 6 },
  );

  it('any interleaving and duplication of a sale, its duplicates and its refunds nets the same amounts', () => {
    fc.assert(
      fc.property(
        saleArb,
        refundsArb,
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.bigInt({ min: 0n, max: 10n ** 8n }),
        fc.constantFrom<'pending' | 'approved' | 'paid'>('pending', 'approved', 'paid'),
        fc.infiniteStream(fc.nat()),
        ({ saleAmountCents, rateBp }, refunds, saleDuplicates, duplicatePicks, paidOutCents, currentStatus, shuffle) => {
          const commissionCents = (saleAmountCents * rateBp) / 10_000n;
          const sale: LedgerEvent = { kind: 'sale', eventId: 'evt_sale', saleAmountCents, commissionCents };
          const refundEvents: LedgerEvent[] = refunds.map((r, i) => ({
            kind: 'refund',
            eventId: `evt_refund_${i}`,
            reason: r.reason,
            disputeId: r.disputeId,
            amountCents: r.amount,
            cumulative: r.cumulative,
          }));
          const canonical = [sale, ...refundEvents];
          const delivered = [
            ...canonical,
            ...Array.from({ length: saleDuplicates }, () => sale),
            ...duplicatePicks.map((p) => canonical[p % canonical.length]!),
          ];
          // Fisher-Yates with the generated stream: a random arrival order.
          const it = shuffle[Symbol.iterator]();
          for (let i = delivered.length - 1; i > 0; i -= 1) {
            const j = (it.next().value as number) % (i + 1);
            [delivered[i], delivered[j]] = [delivered[j]!, delivered[i]!];
          }
          const options = { currentStatus, paidOutCents };
          const expected = resolveLedger(canonical.reduce(recordLedgerEvent, emptyLedger), options);
          const actual = resolveLedger(delivered.reduce(recordLedgerEvent, emptyLedger), options);
          expect(actual).toEqual(expected);

          // And against the direct reducer on the deduplicated set.
          const direct = reduceRefunds({
            saleAmountCents,
            commissionCents,
            events: refundEvents.map(({ kind: _k, ...e }) => e as RefundEvent),
            ...options,
          });
          expect(actual).toMatchObject(direct);
          // Invariants: never negative, never above the original, reversal + adjusted = original.
          expect(direct.adjustedCommissionCents >= 0n && direct.adjustedCommissionCents <= commissionCents).toBe(true);
          expect(direct.adjustedCommissionCents + direct.commissionReversedCents).toBe(commissionCents);
          expect(direct.adjustmentCents <= 0n).toBe(true);
          if (paidOutCents === 0n) expect(direct.adjustmentCents).toBe(0n);
        },
      ),
    );
  });

  it('refunding in pieces nets the same as refunding the total at once', () => {
    fc.assert(
      fc.property(
        saleArb,
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 6n }), { minLength: 1, maxLength: 5 }),
        ({ saleAmountCents, rateBp }, pieces) => {
          const commissionCents = (saleAmountCents * rateBp) / 10_000n;
          const total = pieces.reduce((a, b) => a + b, 0n);
          const inPieces = reduceRefunds({ saleAmountCents, commissionCents, events: pieces.map((p, i) => refund(`p${i}`, p)) });
          const atOnce = reduceRefunds({ saleAmountCents, commissionCents, events: [refund('all', total)] });
          expect(inPieces).toEqual(atOnce);
        },
      ),
    );
  });

  it('reallocated partner shares always sum to the adjusted commission', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 8n }), { minLength: 1, maxLength: 8 }),
        fc.bigInt({ min: 0n, max: 10_000n }),
        (originals, keepBp) => {
          const total = originals.reduce((a, b) => a + b, 0n);
          const adjusted = (total * keepBp) / 10_000n;
          const result = reallocateCommission(originals.map((o, i) => ({ partnerId: i, originalCents: o, paidCents: o })), adjusted);
          expect(result.reduce((s, r) => s + r.adjustedCents, 0n)).toBe(adjusted);
          expect(result.reduce((s, r) => s + r.adjustmentCents, 0n)).toBe(adjusted - total);
          result.forEach((r, i) => expect(r.adjustedCents <= originals[i]!).toBe(true));
        },
      ),
    );
  });

  it('more refunded never earns more', () => {
    fc.assert(
      fc.property(saleArb, fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.bigInt({ min: 0n, max: 10n ** 9n }), ({ saleAmountCents, rateBp }, a, b) => {
        const commissionCents = (saleAmountCents * rateBp) / 10_000n;
        const [lo, hi] = a < b ? [a, b] : [b, a];
        const less = reduceRefunds({ saleAmountCents, commissionCents, events: [refund('x', lo)] });
        const more = reduceRefunds({ saleAmountCents, commissionCents, events: [refund('x', hi)] });
        expect(more.adjustedCommissionCents <= less.adjustedCommissionCents).toBe(true);
      }),
    );
  });
});
