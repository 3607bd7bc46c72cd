/**
 * Stripe's refund events, however they arrive, net the refund that really happened. Histories of
 * refunds (some failing later) are played as Stripe sends them - `refund.created`,
 * `refund.updated`/`refund.failed`, `charge.refunded` snapshots of `amount_refunded` in the current
 * (list-less) or the older (embedded list) shape - then delivered in any order with duplicates,
 * through the real translator and the ledger's reducer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ledgerInCurrency, refundEventFromMessage } from '../../../../functions/domain/conversions/index.js';
import { parseStripeEvent, translateStripeEvent } from '../../../../functions/domain/integrations/index.js';
import { reduceRefunds, type RefundEvent } from '../../../../functions/domain/refunds/index.js';
import { refundedCharge, refundObject, stripeEvent } from '../../../../events/stripe/stripe-events.js';

const integration = { integration_id: 1, vendor_id: 1 };
const saleCents = 10_000; // $100.00
const commissionCents = 1_000n;
const t0 = 1_767_225_600;

interface History {
  refunds: { amount: number; fails: boolean }[];
  /** Where each failure happens: after that many later steps (0 = right after its creation). */
  failDelay: number[];
  /** Does Stripe take a failed refund out of `amount_refunded`? Both readings must give the truth. */
  decreasesOnFailure: boolean;
  legacySnapshots: boolean[];
}

const historyArb: fc.Arbitrary<History> = fc
  .array(fc.record({ amount: fc.integer({ min: 1, max: 2_500 }), fails: fc.boolean() }), { minLength: 1, maxLength: 4 })
  .chain((refunds) =>
    fc.record({
      refunds: fc.constant(refunds),
      failDelay: fc.array(fc.nat({ max: 4 }), { minLength: refunds.length, maxLength: refunds.length }),
      decreasesOnFailure: fc.boolean(),
      legacySnapshots: fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
    }),
  );

/** The events Stripe sends for a history, in the order it happened. */
function play(history: History): unknown[] {
  type Step = { kind: 'create' | 'fail'; index: number };
  const steps: Step[] = history.refunds.map((_, index) => ({ kind: 'create', index }));
  history.refunds.forEach((r, index) => {
    if (!r.fails) return;
    const at = Math.min(steps.findIndex((s) => s.kind === 'create' && s.index === index) + 1 + history.failDelay[index]!, steps.length);
    steps.splice(at, 0, { kind: 'fail', index });
  });
  const status = new Map<number, 'succeeded' | 'failed'>();
  const events: unknown[] = [];
  const refundOf = (index: number, created: number) =>
    refundObject({ id: `re_${index}`, amount: history.refunds[index]!.amount, currency: 'usd', charge: 'ch_1', paymentIntent: 'pi_1', status: status.get(index)!, created });
  steps.forEach((step, n) => {
    const created = t0 + n;
    status.set(step.index, step.kind === 'create' ? 'succeeded' : 'failed');
    events.push(stripeEvent(step.kind === 'create' ? 'refund.created' : 'refund.updated', refundOf(step.index, t0), { id: `evt_${n}_r`, created }));
    if (step.kind === 'fail') events.push(stripeEvent('refund.failed', refundOf(step.index, t0), { id: `evt_${n}_f`, created }));
    const counted = [...status].filter(([, s]) => s === 'succeeded' || !history.decreasesOnFailure);
    const amountRefunded = counted.reduce((sum, [i]) => sum + history.refunds[i]!.amount, 0);
    const legacy = history.legacySnapshots[n % 16]!;
    const charge = refundedCharge({
      id: 'ch_1',
      paymentIntent: 'pi_1',
      amount: saleCents,
      amountRefunded,
      currency: 'usd',
      created: t0,
      ...(legacy ? { legacyRefunds: [...status.keys()].map((i) => refundOf(i, t0)) } : {}),
    });
    if (step.kind === 'create' || history.decreasesOnFailure) {
      events.push(stripeEvent('charge.refunded', charge, { id: `evt_${n}_c`, created, ...(legacy ? { apiVersion: '2022-08-01' } : {}) }));
    }
  });
  return events;
}

/** The ledger as the consumer applies it to the sale: in the sale's currency (USD cents). */
function ledgerOf(delivered: readonly unknown[]): RefundEvent[] {
  return ledgerInCurrency(ledgerMessagesOf(delivered), 'USD');
}

function ledgerMessagesOf(delivered: readonly unknown[]): RefundEvent[] {
  return delivered.flatMap((event) => {
    const t = translateStripeEvent({ event: parseStripeEvent(JSON.parse(JSON.stringify(event))), integration });
    return t.handled ? t.messages.flatMap((m) => (m.kind === 'refund' ? [refundEventFromMessage(m)] : [])) : [];
  });
}

const truth = (history: History) => history.refunds.reduce((sum, r) => sum + (r.fails ? 0 : r.amount), 0);

/** Any order and any duplication of `events` (keys sort a shuffled copy; `copies` repeats some). */
const deliveriesArb = (events: readonly unknown[]) =>
  fc
    .tuple(fc.array(fc.double({ noNaN: true }), { minLength: events.length, maxLength: events.length }), fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 6 }))
    .map(([keys, copies]) => {
      const all = [...events.map((e, i) => ({ e, k: keys[i]! })), ...copies.map((i, j) => ({ e: events[i], k: keys[(i + j) % keys.length]! + 0.5 }))];
      return all.sort((a, b) => a.k - b.k).map((x) => x.e);
    });

describe('Stripe refund events converge', () => {
  it('any order and duplication of refund.*, refund.failed and charge.refunded (either shape) nets exactly the refunds that stood', () => {
    fc.assert(
      fc.property(
        historyArb.chain((history) => fc.tuple(fc.constant(history), deliveriesArb(play(history)))),
        ([history, delivered]) => {
          const outcome = reduceRefunds({ saleAmountCents: BigInt(saleCents), commissionCents, events: ledgerOf(delivered) });
          expect(outcome.reversedSaleCents).toBe(BigInt(truth(history)));
          const net = BigInt(saleCents - truth(history));
          // $10.00 on $100.00, half-up to the cent.
          expect(outcome.adjustedCommissionCents).toBe((commissionCents * net * 2n + BigInt(saleCents)) / (2n * BigInt(saleCents)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with only charge.refunded subscribed (no refund.* events), the latest running total stands, in any order', () => {
    fc.assert(
      fc.property(
        historyArb
          .map((h) => ({ ...h, refunds: h.refunds.map((r) => ({ ...r, fails: false })) }))
          .chain((history) => {
            const snapshots = play(history).filter((e) => (e as { type: string }).type === 'charge.refunded');
            return fc.tuple(fc.constant(history), deliveriesArb(snapshots));
          }),
        ([history, delivered]) => {
          const outcome = reduceRefunds({ saleAmountCents: BigInt(saleCents), commissionCents, events: ledgerOf(delivered) });
          expect(outcome.reversedSaleCents).toBe(BigInt(truth(history)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refund.created and the list-less charge.refunded of the same money count once; a later failure gives it back once', () => {
    const refund = (status: 'succeeded' | 'failed') =>
      refundObject({ id: 're_1', amount: 2_500, currency: 'usd', charge: 'ch_1', paymentIntent: 'pi_1', status, created: t0 });
    const charge = refundedCharge({ id: 'ch_1', paymentIntent: 'pi_1', amount: saleCents, amountRefunded: 2_500, currency: 'usd', created: t0 });
    const createdEvent = stripeEvent('refund.created', refund('succeeded'), { id: 'evt_a', created: t0 });
    const chargeEvent = stripeEvent('charge.refunded', charge, { id: 'evt_b', created: t0 });
    const failedEvent = stripeEvent('refund.updated', refund('failed'), { id: 'evt_c', created: t0 + 60 });
    const reversed = (events: unknown[]) => reduceRefunds({ saleAmountCents: BigInt(saleCents), commissionCents, events: ledgerOf(events) }).reversedSaleCents;
    expect(reversed([createdEvent, chargeEvent, chargeEvent, createdEvent])).toBe(2_500n); // $25.00, not $50.00
    expect(reversed([failedEvent, createdEvent, chargeEvent])).toBe(0n);
    expect(reversed([createdEvent, chargeEvent, failedEvent, failedEvent])).toBe(0n);
  });

  it('a refund recorded before charges were kept (no charge id) and a later running total of the only charge count once', () => {
    const older: RefundEvent = { eventId: 're_1', reason: 'refund', amountCents: 2_500n, cumulative: false };
    const runningTotal: RefundEvent = { eventId: 'amount_refunded:ch_1', reason: 'refund', amountCents: 4_000n, cumulative: true, chargeId: 'ch_1' };
    const reversed = (events: RefundEvent[]) => reduceRefunds({ saleAmountCents: BigInt(saleCents), commissionCents, events }).reversedSaleCents;
    expect(reversed([older, runningTotal])).toBe(4_000n);
    expect(reversed([older, { ...runningTotal, amountCents: 2_500n }])).toBe(2_500n);
  });
});
