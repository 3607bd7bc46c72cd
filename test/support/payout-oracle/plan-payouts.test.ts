// Over 300 lines: the payout oracle's one table-driven spec (thresholds, methods, partner statuses, periods, currencies); split, each part would rebuild the same ledger.
import { describe, expect, it, test } from 'vitest';
import fc from 'fast-check';
import {
  PayoutPlanError,
  planPayouts,
  type PayoutCredit,
  type PayoutPartner,
  type PlanPayoutsInput,
} from './plan-payouts.js';

const period = {
  periodStart: '2026-10-01T00:00:00.000Z',
  periodEnd: '2026-11-01T00:00:00.000Z',
  now: '2026-11-01T06:00:00.000Z',
};
const verified = (partnerId: number, methodId = partnerId * 10): PayoutPartner => ({
  partnerId,
  defaultMethod: { id: methodId, providerId: 1, isVerified: true },
});
const credit = (partnerId: number, conversionEventId: number, amountCents: bigint, extra: Partial<PayoutCredit> = {}): PayoutCredit => ({
  partnerId,
  conversionEventId,
  amountCents,
  ...extra,
});
const plan = (partners: PayoutPartner[], credits: PayoutCredit[], extra: Partial<PlanPayoutsInput> = {}) =>
  planPayouts({ ...period, partners, credits, ...extra });

describe('planPayouts: thresholds', () => {
  test.each([
    ['exactly the 50.00 minimum', [3000n, 2000n], 5000n, true], // $30.00 + $20.00
    ['one cent short', [3000n, 1999n], 4999n, false], // $49.99
    ['well above', [120000n], 120000n, true], // $1,200.00
    ['above, until a clawback nets it below', [6000n, -1500n], 4500n, false], // $60.00 - $15.00
    ['nothing but a clawback', [-2500n], -2500n, false],
  ] as const)('%s', (_label, amounts, net, paid) => {
    const result = plan(
      [verified(7)],
      amounts.map((amount, i) => credit(7, 100 + i, amount, amount < 0n ? { adjustmentId: 900 + i } : {})),
    );

    if (paid) {
      expect(result.payouts).toHaveLength(1);
      expect(result.payouts[0]!.amountCents).toBe(net);
      expect(result.skipped).toEqual([]);
    } else {
      expect(result.payouts).toEqual([]);
      expect(result.skipped).toEqual([{ partnerId: 7, reason: 'below_threshold', amountCents: net }]);
    }
  });

  test.each([
    [1000n, 1000n, true], // $10.00 minimum
    [1000n, 999n, false],
    [1n, 1n, true],
  ])('a configured minimum of %s cents: %s cents paid? %s', (minimumCents, amount, paid) => {
    const result = plan([verified(7)], [credit(7, 1, amount)], { minimumCents });
    expect(result.payouts.length === 1).toBe(paid);
  });
});

describe('planPayouts: payment methods', () => {
  test.each([
    ['no default method', { partnerId: 7 }],
    ['an unverified default method', { partnerId: 7, defaultMethod: { id: 70, providerId: 1, isVerified: false } }],
  ])('a partner with %s is skipped and reported, not paid', (_label, partner) => {
    const result = plan([partner], [credit(7, 1, 8000n)]);

    expect(result).toEqual({ payouts: [], skipped: [{ partnerId: 7, reason: 'no_verified_default_method', amountCents: 8000n }] });
  });

  it('a partner missing from the partner list is treated as having no method', () => {
    expect(plan([], [credit(7, 1, 8000n)]).skipped).toEqual([
      { partnerId: 7, reason: 'no_verified_default_method', amountCents: 8000n },
    ]);
  });

  it('pays to the verified default method and its provider', () => {
    const result = plan([{ partnerId: 7, defaultMethod: { id: 71, providerId: 3, isVerified: true } }], [credit(7, 1, 8000n)]);
    expect(result.payouts[0]).toMatchObject({ partnerId: 7, methodId: 71, providerId: 3 });
  });
});

describe('planPayouts: events', () => {
  it('one payout per partner across vendors, amount = sum of one event per conversion', () => {
    const result = plan(
      [verified(7), verified(8)],
      [
        credit(8, 205, 4000n),
        credit(7, 102, 2550n), // vendor A
        credit(7, 101, 2550n), // vendor B
        credit(8, 201, 1000n),
      ],
    );

    expect(result.payouts).toEqual([
      {
        partnerId: 7,
        methodId: 70,
        providerId: 1,
        amountCents: 5100n,
        startDate: period.periodStart,
        endDate: period.periodEnd,
        events: [
          { conversionEventId: 101, amountCents: 2550n },
          { conversionEventId: 102, amountCents: 2550n },
        ],
        adjustmentIds: [],
      },
      {
        partnerId: 8,
        methodId: 80,
        providerId: 1,
        amountCents: 5000n,
        startDate: period.periodStart,
        endDate: period.periodEnd,
        events: [
          { conversionEventId: 201, amountCents: 1000n },
          { conversionEventId: 205, amountCents: 4000n },
        ],
        adjustmentIds: [],
      },
    ]);
  });

  it('multi-touch: a conversion appears once per credited partner, each with its own share', () => {
    // Journey A -> B -> A, linear over a $100.00 commission: A 66.67, B 33.33 (largest remainder).
    const result = plan(
      [verified(1), verified(2)],
      [credit(1, 500, 3334n), credit(2, 500, 3333n), credit(1, 500, 3333n), credit(2, 501, 2000n)],
    );

    expect(result.payouts.map((p) => [p.partnerId, p.events])).toEqual([
      [1, [{ conversionEventId: 500, amountCents: 6667n }]],
      [2, [
        { conversionEventId: 500, amountCents: 3333n },
        { conversionEventId: 501, amountCents: 2000n },
      ]],
    ]);
  });

  it('a clawback after an earlier payout is netted as a negative event and its adjustment stamped', () => {
    const result = plan(
      [verified(7)],
      [credit(7, 101, 9000n), credit(7, 55, -1200n, { adjustmentId: 3 }), credit(7, 56, -300n, { adjustmentId: 4 })],
    );

    expect(result.payouts[0]).toMatchObject({
      amountCents: 7500n, // $90.00 - $12.00 - $3.00
      events: [
        { conversionEventId: 55, amountCents: -1200n },
        { conversionEventId: 56, amountCents: -300n },
        { conversionEventId: 101, amountCents: 9000n },
      ],
      adjustmentIds: [3, 4],
    });
  });

  it('two clawbacks on one conversion make one event row (the payout_events primary key)', () => {
    const result = plan(
      [verified(7)],
      [credit(7, 101, 9000n), credit(7, 55, -500n, { adjustmentId: 3 }), credit(7, 55, -700n, { adjustmentId: 4 })],
    );

    expect(result.payouts[0]!.events).toEqual([
      { conversionEventId: 55, amountCents: -1200n },
      { conversionEventId: 101, amountCents: 9000n },
    ]);
  });

  it('a share cancelled by a clawback in the same run keeps a zero row, so both are settled', () => {
    const result = plan([verified(7)], [credit(7, 101, 9000n), credit(7, 102, 400n), credit(7, 102, -400n, { adjustmentId: 9 })]);

    expect(result.payouts[0]!.events).toContainEqual({ conversionEventId: 102, amountCents: 0n });
    expect(result.payouts[0]!.amountCents).toBe(9000n);
  });

  it('credits that became payable after the period end wait for the next run; older ones are carried forward', () => {
    const result = plan(
      [verified(7)],
      [
        credit(7, 1, 3000n, { eligibleAt: '2026-06-15T00:00:00.000Z' }), // below threshold in June: carried forward
        credit(7, 2, 3000n, { eligibleAt: '2026-10-31T23:59:59.999Z' }),
        credit(7, 3, 9999n, { eligibleAt: '2026-11-01T00:00:00.000Z' }), // next period
      ],
    );

    expect(result.payouts[0]!.events.map((e) => e.conversionEventId)).toEqual([1, 2]);
    expect(result.payouts[0]!.amountCents).toBe(6000n);
  });
});

describe('planPayouts: refuses inconsistent input', () => {
  test.each([
    ['a period that has not ended', { now: '2026-10-31T00:00:00.000Z' }, /future/],
    ['an empty period', { periodStart: period.periodEnd }, /before/],
    ['a bad timestamp', { periodStart: 'last month' }, /timestamp/],
    ['a zero minimum', { minimumCents: 0n }, /positive/],
  ] as const)('%s', (_label, extra, message) => {
    expect(() => plan([verified(7)], [credit(7, 1, 6000n)], extra)).toThrow(message);
    expect(() => plan([verified(7)], [credit(7, 1, 6000n)], extra)).toThrow(PayoutPlanError);
  });

  it('the same adjustment twice', () => {
    expect(() =>
      plan([verified(7)], [credit(7, 1, 9000n), credit(7, 2, -100n, { adjustmentId: 5 }), credit(7, 2, -100n, { adjustmentId: 5 })]),
    ).toThrow(/adjustment 5/);
  });

  it('a partner listed twice', () => {
    expect(() => plan([verified(7), verified(7)], [])).toThrow(/listed twice/);
  });
});

describe('planPayouts: properties', () => {
  const partnerIds = fc.integer({ min: 1, max: 6 });
  const credits = fc.array(
    fc.record({
      partnerId: partnerIds,
      conversionEventId: fc.integer({ min: 1, max: 30 }),
      amountCents: fc.bigInt({ min: -3000n, max: 12000n }),
    }),
    { maxLength: 40 },
  ).map((list) =>
    // Negative credits are adjustments, each with its own id.
    list.map((c, i): PayoutCredit => (c.amountCents < 0n ? { ...c, adjustmentId: i + 1 } : c)),
  );
  const partners = fc.uniqueArray(
    fc.record({
      partnerId: partnerIds,
      defaultMethod: fc.option(fc.record({ id: fc.integer({ min: 1, max: 99 }), providerId: fc.constant(1), isVerified: fc.boolean() }), {
        nil: undefined,
      }),
    }),
    { selector: (p) => p.partnerId },
  );
  const minimum = fc.bigInt({ min: 1n, max: 10000n });

  it('every payout amount is exactly the sum of its events, one event per conversion', () => {
    fc.assert(
      fc.property(partners, credits, minimum, (ps, cs, minimumCents) => {
        for (const payout of plan(ps, cs, { minimumCents }).payouts) {
          expect(payout.amountCents).toBe(payout.events.reduce((sum, e) => sum + e.amountCents, 0n));
          expect(new Set(payout.events.map((e) => e.conversionEventId)).size).toBe(payout.events.length);
        }
      }),
    );
  });

  it('no partner is paid below the threshold or without a verified default method', () => {
    fc.assert(
      fc.property(partners, credits, minimum, (ps, cs, minimumCents) => {
        for (const payout of plan(ps, cs, { minimumCents }).payouts) {
          expect(payout.amountCents >= minimumCents).toBe(true);
          const partner = ps.find((p) => p.partnerId === payout.partnerId);
          expect(partner?.defaultMethod?.isVerified).toBe(true);
          expect(payout.methodId).toBe(partner?.defaultMethod?.id);
        }
      }),
    );
  });

  it('nothing is lost: every partner with credits is paid or reported, and the cents add up', () => {
    fc.assert(
      fc.property(partners, credits, minimum, (ps, cs, minimumCents) => {
        const result = plan(ps, cs, { minimumCents });
        const planned = [...result.payouts.map((p) => p.partnerId), ...result.skipped.map((s) => s.partnerId)].sort((a, b) => a - b);
        expect(planned).toEqual([...new Set(cs.map((c) => c.partnerId))].sort((a, b) => a - b));
        const total = cs.reduce((sum, c) => sum + c.amountCents, 0n);
        const accounted =
          result.payouts.reduce((sum, p) => sum + p.amountCents, 0n) + result.skipped.reduce((sum, s) => sum + s.amountCents, 0n);
        expect(accounted).toBe(total);
      }),
    );
  });

  it('a re-plan after the planned events are marked paid yields nothing new', () => {
    fc.assert(
      fc.property(partners, credits, minimum, (ps, cs, minimumCents) => {
        const first = plan(ps, cs, { minimumCents });
        const paid = new Set(first.payouts.flatMap((p) => p.events.map((e) => `${p.partnerId}:${e.conversionEventId}`)));
        const remaining = cs.filter((c) => !paid.has(`${c.partnerId}:${c.conversionEventId}`));

        const second = plan(ps, remaining, { minimumCents });

        expect(second.payouts).toEqual([]);
        expect(second.skipped).toEqual(first.skipped);
      }),
    );
  });

  it('is deterministic whatever the order of its input', () => {
    fc.assert(
      fc.property(partners, credits, minimum, (ps, cs, minimumCents) => {
        const reversed = plan([...ps].reverse(), [...cs].reverse(), { minimumCents });
        const result = plan(ps, cs, { minimumCents });
        expect(reversed).toEqual(result);
      }),
    );
  });
});
