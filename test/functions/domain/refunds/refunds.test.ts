import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  emptyLedger,
  recordLedgerEvent,
  reduceRefunds,
  resolveLedger,
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
      reason: fc.constantFrom<'refund' | 'dispute'>('refund', 'dispute'),
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
