/**
 * The whole payout cycle on pure rows, as the SQL jobs will run it: select payable credits, plan,
 * write payouts and events, approve, complete / fail / retry / cancel, mark conversions paid,
 * claw back after payout. After every step the books must reconcile, and a second run of the
 * payout job must create nothing.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AdjustmentRow, ConversionRow, PayoutEventRow, PayoutRow, TouchRow } from './ledger-rows.js';
import { planPayouts, type PayoutPartner } from './plan-payouts.js';
import { selectPayableCredits } from './select-payable-credits.js';
import { conversionsToMarkPaid } from './conversions-to-mark-paid.js';
import { reconcile } from './reconcile.js';
import { transitionPayout } from '../../../functions/domain/payouts/transition-payout.js';
import { transitionConversion } from '../../../functions/domain/payouts/transition-conversion.js';

interface Rows {
  conversions: ConversionRow[];
  touches: TouchRow[];
  payouts: PayoutRow[];
  payoutEvents: PayoutEventRow[];
  adjustments: AdjustmentRow[];
}

const MINIMUM = 1500n; // $15.00

type Outcome = 'complete' | 'fail' | 'cancel' | 'leave';

const partnersArb = fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }).map((verified) =>
  verified.map((isVerified, i): PayoutPartner => ({ partnerId: i + 1, defaultMethod: { id: 100 + i, providerId: 1, isVerified } })),
);
const conversionsArb = fc.array(
  fc.record({
    status: fc.constantFrom<'pending' | 'approved' | 'rejected'>('pending', 'approved', 'approved', 'rejected'),
    touches: fc.array(fc.record({ partnerId: fc.integer({ min: 1, max: 4 }), value: fc.bigInt({ min: 0n, max: 9000n }) }), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  { minLength: 1, maxLength: 14 },
);
const roundsArb = fc.array(
  fc.record({
    approvePending: fc.boolean(),
    outcomes: fc.array(fc.constantFrom<Outcome>('complete', 'complete', 'complete', 'fail', 'cancel', 'leave'), { minLength: 4, maxLength: 4 }),
    clawbacks: fc.array(fc.record({ pick: fc.nat(), amount: fc.bigInt({ min: 1n, max: 4000n }) }), { maxLength: 3 }),
  }),
  { minLength: 2, maxLength: 5 },
);

function buildRows(
  conversions: Array<{ status: 'pending' | 'approved' | 'rejected'; touches: Array<{ partnerId: number; value: bigint }> }>,
): Rows {
  const rows: Rows = { conversions: [], touches: [], payouts: [], payoutEvents: [], adjustments: [] };
  conversions.forEach((conversion, i) => {
    const conversionEventId = 1000 + i;
    const commission = conversion.touches.reduce((sum, t) => sum + t.value, 0n);
    rows.conversions.push({ conversionEventId, status: conversion.status, commissionCents: commission });
    for (const touch of conversion.touches) {
      rows.touches.push({ conversionEventId, partnerId: touch.partnerId, touchValueCents: touch.value });
    }
  });
  return rows;
}

function runPayoutJob(rows: Rows, partners: PayoutPartner[], round: number, nextId: { value: number }): number[] {
  const periodStart = new Date(Date.UTC(2026, round, 1)).toISOString();
  const periodEnd = new Date(Date.UTC(2026, round + 1, 1)).toISOString();
  // A low threshold so clawbacks get netted often in few rounds.
  const plan = planPayouts({ periodStart, periodEnd, now: periodEnd, partners, credits: selectPayableCredits(rows), minimumCents: MINIMUM });
  const created: number[] = [];
  for (const planned of plan.payouts) {
    const payoutId = nextId.value++;
    created.push(payoutId);
    rows.payouts.push({ payoutId, partnerId: planned.partnerId, status: 'pending', amountCents: planned.amountCents });
    for (const event of planned.events) rows.payoutEvents.push({ payoutId, ...event });
    for (const adjustment of rows.adjustments) {
      if (planned.adjustmentIds.includes(adjustment.adjustmentId)) adjustment.payoutId = payoutId;
    }
  }
  return created;
}

function markPaid(rows: Rows) {
  for (const id of conversionsToMarkPaid(rows)) {
    const conversion = rows.conversions.find((c) => c.conversionEventId === id)!;
    conversion.status = transitionConversion(conversion.status, 'pay');
  }
}

describe('payout lifecycle', () => {
  it('property: every step reconciles, a re-run pays nothing twice, and every paid cent traces to a share', () => {
    fc.assert(
      fc.property(partnersArb, conversionsArb, roundsArb, (partners, conversions, rounds) => {
        const rows = buildRows(conversions);
        const nextId = { value: 1 };
        let nextAdjustment = 1;
        expect(reconcile(rows)).toEqual([]);

        rounds.forEach((round, r) => {
          if (round.approvePending) {
            for (const c of rows.conversions) if (c.status === 'pending') c.status = transitionConversion(c.status, 'approve');
          }
          // Refunds after payout: the partner now earns less (touch and commission reduced) and the
          // difference to what it was paid becomes a clawback, as the refunds domain records it.
          for (const clawback of round.clawbacks) {
            const paidShares = rows.touches.filter(
              (t) => (t.touchValueCents ?? 0n) > 0n && rows.conversions.find((c) => c.conversionEventId === t.conversionEventId)?.status === 'paid',
            );
            const touch = paidShares[clawback.pick % Math.max(1, paidShares.length)];
            if (!touch) continue;
            const amount = clawback.amount < touch.touchValueCents! ? clawback.amount : touch.touchValueCents!;
            touch.touchValueCents! -= amount;
            const conversion = rows.conversions.find((c) => c.conversionEventId === touch.conversionEventId)!;
            conversion.commissionCents! -= amount;
            rows.adjustments.push({
              adjustmentId: nextAdjustment++,
              conversionEventId: touch.conversionEventId,
              partnerId: touch.partnerId,
              amountCents: -amount,
              payoutId: null,
            });
          }
          // Failed payouts from earlier rounds are retried (same payout, same events) and now succeed.
          for (const payout of rows.payouts) {
            if (payout.status === 'failed' && !payout.isDeleted) {
              payout.status = transitionPayout(payout.status, 'retry', 'stripe');
              payout.status = transitionPayout(payout.status, 'complete', 'stripe');
            }
          }
          markPaid(rows);

          const created = runPayoutJob(rows, partners, r, nextId);
          expect(reconcile(rows)).toEqual([]);
          // The job run twice (or re-run after a crash) creates nothing more.
          expect(runPayoutJob(rows, partners, r, nextId)).toEqual([]);

          created.forEach((payoutId, i) => {
            const payout = rows.payouts.find((p) => p.payoutId === payoutId)!;
            payout.status = transitionPayout(payout.status, 'approve', 'stripe');
            const outcome = round.outcomes[i % round.outcomes.length]!;
            if (outcome === 'complete') payout.status = transitionPayout(payout.status, 'complete', 'stripe');
            if (outcome === 'fail' || outcome === 'cancel') payout.status = transitionPayout(payout.status, 'fail', 'stripe');
            if (outcome === 'cancel') {
              // The operator gives up on a failed payout: its shares and clawbacks become payable again.
              payout.isDeleted = true;
              for (const a of rows.adjustments) if (a.payoutId === payoutId) a.payoutId = null;
            }
          });
          markPaid(rows);
          expect(reconcile(rows)).toEqual([]);
        });

        // No partner ever received more than it earns, once its clawbacks are netted.
        const completed = rows.payouts.filter((p) => p.status === 'completed' && !p.isDeleted);
        for (const partner of partners) {
          const received = completed.filter((p) => p.partnerId === partner.partnerId).reduce((sum, p) => sum + p.amountCents, 0n);
          const owedBack = rows.adjustments
            .filter((a) => a.partnerId === partner.partnerId && a.payoutId === null)
            .reduce((sum, a) => sum + a.amountCents, 0n);
          const earned = rows.touches
            .filter((t) => t.partnerId === partner.partnerId)
            .filter((t) => rows.conversions.find((c) => c.conversionEventId === t.conversionEventId)?.status !== 'rejected')
            .reduce((sum, t) => sum + (t.touchValueCents ?? 0n), 0n);
          expect(received + owedBack <= earned).toBe(true);
        }
        for (const payout of completed) expect(payout.amountCents >= MINIMUM).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('payout lifecycle, step by step', () => {
  it('multi-touch credit, a partner below the threshold, and a refund after payout netted next month', () => {
    const partners: PayoutPartner[] = [1, 2].map((partnerId) => ({ partnerId, defaultMethod: { id: partnerId, providerId: 1, isVerified: true } }));
    // Conversion 1000: $90.00 commission, A 60.00, B 30.00.
    const rows = buildRows([
      { status: 'approved', touches: [{ partnerId: 1, value: 6000n }, { partnerId: 2, value: 3000n }] },
    ]);
    const nextId = { value: 1 };
    const job = (round: number) => {
      const periodStart = new Date(Date.UTC(2026, round, 1)).toISOString();
      const periodEnd = new Date(Date.UTC(2026, round + 1, 1)).toISOString();
      const plan = planPayouts({ periodStart, periodEnd, now: periodEnd, partners, credits: selectPayableCredits(rows) });
      for (const planned of plan.payouts) {
        const payoutId = nextId.value++;
        rows.payouts.push({ payoutId, partnerId: planned.partnerId, status: 'completed', amountCents: planned.amountCents });
        for (const event of planned.events) rows.payoutEvents.push({ payoutId, ...event });
        for (const a of rows.adjustments) if (planned.adjustmentIds.includes(a.adjustmentId)) a.payoutId = payoutId;
      }
      markPaid(rows);
      return plan;
    };

    // October: A is paid $60.00; B's $30.00 is below $50.00 and waits. 1000 stays approved.
    expect(job(9).skipped).toEqual([{ partnerId: 2, reason: 'below_threshold', amountCents: 3000n }]);
    expect(rows.payouts).toEqual([{ payoutId: 1, partnerId: 1, status: 'completed', amountCents: 6000n }]);
    expect(rows.conversions[0]!.status).toBe('approved');
    expect(reconcile(rows)).toEqual([]);

    // November: a new $40.00 conversion for B lifts B to $70.00; 1000 is now fully paid.
    rows.conversions.push({ conversionEventId: 2000, status: 'approved', commissionCents: 4000n });
    rows.touches.push({ conversionEventId: 2000, partnerId: 2, touchValueCents: 4000n });
    job(10);
    expect(rows.payouts[1]).toEqual({ payoutId: 2, partnerId: 2, status: 'completed', amountCents: 7000n });
    expect(rows.conversions.map((c) => c.status)).toEqual(['paid', 'paid']);
    expect(reconcile(rows)).toEqual([]);

    // December: A's share of the 1000 order is halved by a refund (A now earns $30.00 of it);
    // the $30.00 clawback nets against a new $80.00.
    rows.touches[0]!.touchValueCents = 3000n;
    rows.conversions[0]!.commissionCents = 6000n;
    rows.adjustments.push({ adjustmentId: 1, conversionEventId: 1000, partnerId: 1, amountCents: -3000n, payoutId: null });
    rows.conversions.push({ conversionEventId: 3000, status: 'approved', commissionCents: 8000n });
    rows.touches.push({ conversionEventId: 3000, partnerId: 1, touchValueCents: 8000n });
    job(11);
    expect(rows.payouts[2]).toEqual({ payoutId: 3, partnerId: 1, status: 'completed', amountCents: 5000n });
    expect(rows.payoutEvents.filter((e) => e.payoutId === 3)).toEqual([
      { payoutId: 3, conversionEventId: 1000, amountCents: -3000n },
      { payoutId: 3, conversionEventId: 3000, amountCents: 8000n },
    ]);
    expect(rows.adjustments[0]!.payoutId).toBe(3);
    expect(reconcile(rows)).toEqual([]);

    // January: nothing left to pay.
    expect(job(12)).toEqual({ payouts: [], skipped: [] });
  });
});

describe('payout job killed half-way', () => {
  it('property: a run that wrote only some payouts, then re-ran, creates exactly the payouts of one clean run', () => {
    fc.assert(
      fc.property(partnersArb, conversionsArb, fc.nat(), (partners, conversions, cut) => {
        const planned = (rows: Rows) =>
          planPayouts({
            periodStart: '2026-10-01T00:00:00.000Z',
            periodEnd: '2026-11-01T00:00:00.000Z',
            now: '2026-11-01T06:00:00.000Z',
            partners,
            credits: selectPayableCredits(rows),
            minimumCents: MINIMUM,
          }).payouts;
        const write = (rows: Rows, payouts: ReturnType<typeof planned>, nextId: { value: number }) => {
          // Each payout is written atomically (payout, its events, its adjustment stamps).
          for (const p of payouts) {
            const payoutId = nextId.value++;
            rows.payouts.push({ payoutId, partnerId: p.partnerId, status: 'pending', amountCents: p.amountCents });
            for (const event of p.events) rows.payoutEvents.push({ payoutId, ...event });
          }
        };
        const clean = buildRows(conversions);
        const full = planned(clean);

        const crashed = buildRows(conversions);
        const nextId = { value: 1 };
        const firstRun = planned(crashed);
        write(crashed, firstRun.slice(0, cut % (firstRun.length + 1)), nextId); // killed after `cut` payouts
        write(crashed, planned(crashed), nextId); // the re-run

        const summary = (rows: Rows) =>
          rows.payouts
            .map((p) => ({
              partnerId: p.partnerId,
              amountCents: p.amountCents,
              events: rows.payoutEvents.filter((e) => e.payoutId === p.payoutId).map((e) => [e.conversionEventId, e.amountCents]),
            }))
            .sort((a, b) => a.partnerId - b.partnerId);
        write(clean, full, { value: 1 });
        expect(summary(crashed)).toEqual(summary(clean));
        expect(reconcile(crashed)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
