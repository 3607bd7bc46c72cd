import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttributionModel, JourneyClick } from '../../../../functions/domain/attribution/index.js';
import type { CalculateCommissionInput } from '../../../../functions/domain/commissions/index.js';
import {
  anchorClick,
  partnerContributions,
  planConversion,
  planRefund,
  resolveJourney,
  type RefundTarget,
} from '../../../../functions/domain/conversions/index.js';
import type { RefundEvent } from '../../../../functions/domain/refunds/index.js';

const day = (d: number) => new Date(Date.UTC(2024, 2, d, 10));
const terms = { campaignVersionId: 1, model: 'linear' as AttributionModel, halfLifeDays: 7, cookieWindowDays: 30 };
const abaClicks: JourneyClick[] = [
  { clickId: 'c1', partnerId: 'A', campaignVersionId: 1, clickedAt: day(15) },
  { clickId: 'c2', partnerId: 'B', campaignVersionId: 1, clickedAt: day(16) },
  { clickId: 'c3', partnerId: 'A', campaignVersionId: 1, clickedAt: day(17) },
];

function commission(valueCents: bigint): CalculateCommissionInput {
  return {
    event: { eventType: 'sale', eventValueCents: valueCents, occurredAt: day(18) },
    eventType: { name: 'sale', isCommissionable: true, defaultCommissionType: 'percentage', defaultCommissionValue: '10.00' },
    partner: { partnerId: 'A', tier: 'standard' },
    campaignVersion: { defaultCommissionType: 'percentage', defaultCommissionValue: '10.00' },
  };
}

function attributed(clicks = abaClicks, model: AttributionModel = 'linear') {
  const outcome = resolveJourney({ journey: { binding: 'click_id', clicks }, terms: { ...terms, model }, conversionAt: day(18) });
  if (outcome.kind !== 'attributed') throw new Error('expected an attributed journey');
  return outcome.attribution;
}

describe('resolveJourney and anchorClick', () => {
  it('the carried click anchors the terms; without it the latest click before the conversion does', () => {
    expect(anchorClick({ clicks: abaClicks, conversionAt: day(18), clickId: 'c2' })?.clickId).toBe('c2');
    expect(anchorClick({ clicks: abaClicks, conversionAt: day(16) })?.clickId).toBe('c2');
    expect(anchorClick({ clicks: abaClicks, conversionAt: day(14) })).toBeUndefined();
  });

  it('classifies bot-only journeys (rejected, not dropped) and clicks outside the window (unattributed)', () => {
    const bots = abaClicks.map((c) => ({ ...c, isBot: true }));
    expect(resolveJourney({ journey: { binding: 'cookie', clicks: bots }, terms, conversionAt: day(18) })).toMatchObject({
      kind: 'bot_only',
      partnerId: 'A',
      clickId: 'c3',
    });
    expect(resolveJourney({ journey: { binding: 'cookie', clicks: abaClicks }, terms: { ...terms, cookieWindowDays: 0 }, conversionAt: day(18) })).toEqual({
      kind: 'unattributed',
      reason: 'no_click_in_window',
    });
  });
});

describe('planConversion', () => {
  it('splits the commission over A -> B -> A and credits each partner its touches', () => {
    const plan = planConversion({ attribution: attributed(), commission: commission(10_000n), partnerEmails: new Map() });
    expect(plan).toMatchObject({ status: 'pending', rejectionReason: null, commissionCents: 1000n, originalCommissionCents: 1000n, refundedCents: 0n });
    expect(plan.allocation.touches.map((t) => t.value)).toEqual([334n, 333n, 333n]);
    expect(plan.contributions).toEqual([
      { partnerId: 'A', campaignVersionId: 1, conversions: 1, revenueCents: 6667n, commissionCents: 667n },
      { partnerId: 'B', campaignVersionId: 1, conversions: 1, revenueCents: 3333n, commissionCents: 333n },
    ]);
  });

  it('rejects self-referral of any credited partner with commission 0, keeping the attribution', () => {
    const plan = planConversion({
      attribution: attributed(),
      commission: commission(10_000n),
      partnerEmails: new Map([['B', 'Bee.Partner@gmail.com']]),
      customerEmail: 'beepartner+shop@googlemail.com',
    });
    expect(plan).toMatchObject({ status: 'rejected', rejectionReason: 'self_referral', commissionCents: 0n, contributions: [] });
    expect(plan.calculated.commissionCents).toBe(1000n);
    expect(plan.allocation.touches.map((t) => t.value)).toEqual([0n, 0n, 0n]);
  });

  it('applies refunds held before the sale exactly as if they came after it', () => {
    const held: RefundEvent[] = [{ eventId: 're_1', reason: 'refund', amountCents: 2_500n }];
    const plan = planConversion({ attribution: attributed(), commission: commission(10_000n), partnerEmails: new Map(), heldRefunds: held });
    expect(plan).toMatchObject({ status: 'pending', commissionCents: 750n, originalCommissionCents: 1000n, refundedCents: 2_500n });
    expect(plan.allocation.touches.map((t) => t.value)).toEqual([250n, 250n, 250n]);
    const full = planConversion({ attribution: attributed(), commission: commission(10_000n), partnerEmails: new Map(), heldRefunds: [{ eventId: 're_2', reason: 'dispute' }] });
    expect(full).toMatchObject({ status: 'rejected', rejectionReason: 'dispute', commissionCents: 0n, contributions: [] });
  });
});

describe('planRefund', () => {
  function targetAfterSale(saleCents: bigint, model: AttributionModel = 'linear'): RefundTarget {
    const plan = planConversion({ attribution: attributed(abaClicks, model), commission: commission(saleCents), partnerEmails: new Map() });
    return {
      status: 'pending',
      rejectionReason: null,
      saleCents,
      originalCommissionCents: plan.originalCommissionCents,
      commissionCents: plan.commissionCents,
      refundedCents: 0n,
      touches: plan.allocation.touches.map((t, i) => ({ touchId: i, partnerId: t.partnerId, campaignVersionId: t.campaignVersionId, weight: t.weight, value: t.value })),
      adjustmentsByPartner: new Map(),
    };
  }

  it('leaves a conversion rejected for fraud alone', () => {
    expect(planRefund({ ...targetAfterSale(10_000n), status: 'rejected', rejectionReason: 'self_referral' }, [])).toEqual({ kind: 'unchanged' });
  });

  it('after payout the touches say what each partner earns and adjustments net what was held, once', () => {
    const paid = { ...targetAfterSale(10_000n), status: 'paid' as const };
    const events: RefundEvent[] = [{ eventId: 're_1', reason: 'refund', amountCents: 5_000n }];
    const first = planRefund(paid, events);
    if (first.kind !== 'apply') throw new Error('expected a plan');
    // $10.00 -> $5.00 over 3 equal touches: 1.67 / 1.67 / 1.66; A held 6.67 and B 3.33.
    expect(first).toMatchObject({ status: 'paid', commissionCents: 500n, refundedCents: 5_000n });
    expect(first.touchValues.map((t) => t.value)).toEqual([167n, 167n, 166n]);
    expect(first.adjustments).toEqual([{ partnerId: 'A', amountCents: -334n }, { partnerId: 'B', amountCents: -166n }]);
    const recorded: RefundTarget = {
      ...paid,
      commissionCents: 500n,
      refundedCents: 5_000n,
      touches: paid.touches.map((t, i) => ({ ...t, value: first.touchValues[i]!.value })),
      adjustmentsByPartner: new Map([['A', -334n], ['B', -166n]]),
    };
    expect(planRefund(recorded, events)).toMatchObject({ kind: 'apply', adjustments: [], totalsDelta: [] });
    // Held by a pending payout (not yet paid): the same clawback, taken from the hold.
    const held = { ...targetAfterSale(10_000n), status: 'approved' as const, heldByPartner: new Map([['A', 667n]]) };
    expect(planRefund(held, events)).toMatchObject({ status: 'approved', adjustments: [{ partnerId: 'A', amountCents: -334n }] });
  });

  const modelArb = fc.constantFrom('first_click', 'last_click', 'linear', 'time_decay', 'position_based' as const);
  const refundsArb = fc.array(
    fc.record({
      eventId: fc.constantFrom('re_1', 're_2', 're_3', 're_4'),
      reason: fc.constantFrom('refund' as const, 'dispute' as const),
      amountCents: fc.option(fc.bigInt({ min: 1n, max: 20_000n }), { nil: null }),
    }),
    { maxLength: 6 },
  );

  it('property: touches always sum to the commission, and any order of refunds (before or after the sale) nets the same', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 5_000_000n }), modelArb, refundsArb, (saleCents, model, refunds) => {
        // Order A: sale first, then every refund one by one (state carried over).
        let target = targetAfterSale(saleCents, model);
        let totals = partnerContributions({ touches: target.touches, netSaleCents: saleCents, rejected: false });
        for (let i = 1; i <= refunds.length; i += 1) {
          const plan = planRefund(target, refunds.slice(0, i));
          if (plan.kind !== 'apply') throw new Error('expected a plan');
          const values = new Map(plan.touchValues.map((v) => [v.touchId, v.value]));
          expect(plan.touchValues.reduce((s, v) => s + v.value, 0n)).toBe(plan.commissionCents);
          totals = applyDelta(totals, plan.totalsDelta);
          target = {
            ...target,
            status: plan.status,
            rejectionReason: plan.rejectionReason,
            commissionCents: plan.commissionCents,
            refundedCents: plan.refundedCents,
            touches: target.touches.map((t) => ({ ...t, value: values.get(t.touchId)! })),
          };
        }
        // Order B: every refund held, then the sale.
        const late = planConversion({
          attribution: attributed(abaClicks, model),
          commission: commission(saleCents),
          partnerEmails: new Map(),
          heldRefunds: [...refunds].reverse(),
        });
        expect(late.allocation.touches.reduce((s, t) => s + t.value, 0n)).toBe(late.commissionCents);
        expect(target.commissionCents).toBe(late.commissionCents);
        expect(target.status).toBe(late.status);
        expect(target.touches.map((t) => t.value)).toEqual(late.allocation.touches.map((t) => t.value));
        expect(normalise(totals)).toEqual(normalise(late.contributions));
      }),
      { numRuns: 300 },
    );
  });
});

type Contributions = ReturnType<typeof partnerContributions>;

function applyDelta(totals: Contributions, delta: Contributions): Contributions {
  return merge([...totals, ...delta]);
}

function merge(rows: Contributions): Contributions {
  const byKey = new Map<string, Contributions[number]>();
  for (const r of rows) {
    const key = `${r.partnerId}|${r.campaignVersionId}`;
    const e = byKey.get(key) ?? { ...r, conversions: 0, revenueCents: 0n, commissionCents: 0n };
    e.conversions += r.conversions;
    e.revenueCents += r.revenueCents;
    e.commissionCents += r.commissionCents;
    byKey.set(key, e);
  }
  return [...byKey.values()];
}

function normalise(rows: Contributions) {
  return merge(rows)
    .filter((r) => r.conversions !== 0 || r.revenueCents !== 0n || r.commissionCents !== 0n)
    .map((r) => `${r.partnerId}:${r.conversions}:${r.revenueCents}:${r.commissionCents}`)
    .sort();
}
