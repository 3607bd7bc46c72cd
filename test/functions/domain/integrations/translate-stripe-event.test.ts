/**
 * Every handled Stripe event type, built with the `stripe` package's types (events/stripe/stripe-events.ts)
 * in the shape the current API version sends and, where it differs, the older one.
 */
import { describe, expect, it } from 'vitest';
import {
  conversionReceiptId,
  handledStripeEventTypes,
  MalformedWebhookError,
  parseStripeEvent,
  translateStripeEvent,
} from '../../../../functions/domain/integrations/index.js';
import { conversionQueueMessageSchema, type ConversionQueueMessage } from '../../../../functions/ports/conversion-message.js';
import {
  checkoutSession,
  disputeObject,
  legacyPaidInvoice,
  paidInvoice,
  refundedCharge,
  refundObject,
  stripeEvent,
} from '../../../../events/stripe/stripe-events.js';

const integration = { integration_id: 7, vendor_id: 3 };
const created = 1_767_225_600; // 2026-01-01T00:00:00Z
const clickId = '01946a2e-5f4a-7c3d-9e21-6a8b4c2d1e0f';

/** Through JSON as on the wire, then the translator; every message must satisfy the queue contract. */
function translate(event: unknown) {
  const t = translateStripeEvent({ event: parseStripeEvent(JSON.parse(JSON.stringify(event))), integration });
  if (t.handled) {
    for (const m of t.messages) {
      const stamped = m.kind === 'conversion' ? { ...m, receipt_id: conversionReceiptId(m) } : m;
      expect(conversionQueueMessageSchema.safeParse(stamped).error).toBeUndefined();
    }
  }
  return t;
}

function messagesOf(event: unknown): ConversionQueueMessage[] {
  const t = translate(event);
  if (!t.handled) throw new Error(`ignored: ${t.reason}`);
  return t.messages;
}

const session = (amountTotal: number, currency: string, paymentStatus: 'paid' | 'unpaid' | 'no_payment_required' = 'paid') =>
  checkoutSession({ id: 'cs_test_a1', paymentIntent: 'pi_3Sale', amountTotal, currency, paymentStatus, clickId, created });

describe('checkout sessions', () => {
  it.each([
    ['usd', 1999, '19.99', 'USD'],
    ['jpy', 5000, '5000', 'JPY'], // zero-decimal: ¥5000, not ¥50.00
    ['kwd', 5120, '5.120', 'KWD'], // three-decimal
    ['isk', 400_000, '4000', 'ISK'], // Stripe sends ISK with two decimals; ISO 4217 has none
  ])('checkout.session.completed in %s: amount_total %i is %s %s', (currency, amount, value, code) => {
    const [message] = messagesOf(stripeEvent('checkout.session.completed', session(amount, currency), { id: 'evt_1', created }));
    expect(message).toMatchObject({ kind: 'conversion', event_type: 'sale', transaction_id: 'pi_3Sale', event_value: value, currency: code, click_id: clickId });
  });

  it('a delayed payment counts when checkout.session.async_payment_succeeded arrives, as the same sale', () => {
    expect(translate(stripeEvent('checkout.session.completed', session(1999, 'eur', 'unpaid'), { id: 'evt_1', created })).handled).toBe(false);
    const [later] = messagesOf(stripeEvent('checkout.session.async_payment_succeeded', session(1999, 'eur'), { id: 'evt_2', created: created + 86_400 }));
    const [direct] = messagesOf(stripeEvent('checkout.session.completed', session(1999, 'eur'), { id: 'evt_3', created }));
    expect(later).toMatchObject({ event_value: '19.99', currency: 'EUR', transaction_id: 'pi_3Sale' });
    // One key: were both ever sent, the consumer keeps one sale.
    expect(conversionReceiptId(later as never)).toBe(conversionReceiptId(direct as never));
  });

  it('checkout.session.async_payment_failed counts nothing', () => {
    const t = translate(stripeEvent('checkout.session.async_payment_failed', session(1999, 'eur', 'unpaid'), { id: 'evt_4', created }));
    expect(t).toEqual({ handled: false, reason: 'delayed payment failed: no sale' });
  });

  it('an amount beyond what the platform records (8 integer digits) is malformed (400), not a failed enqueue (5xx)', () => {
    expect(messagesOf(stripeEvent('checkout.session.completed', session(9_999_999_999, 'usd'), { id: 'evt_6', created }))[0]).toMatchObject({ event_value: '99999999.99' });
    expect(() => translate(stripeEvent('checkout.session.completed', session(10_000_000_000, 'usd'), { id: 'evt_7', created }))).toThrow(MalformedWebhookError);
    expect(() => translate(stripeEvent('checkout.session.completed', session(100_000_000, 'jpy'), { id: 'evt_8', created }))).toThrow(MalformedWebhookError);
  });

  it('a session without a valid currency is malformed', () => {
    expect(() => translate(stripeEvent('checkout.session.completed', session(1999, 'zzz'), { id: 'evt_5', created }))).toThrow(MalformedWebhookError);
  });
});

describe('invoice.paid', () => {
  const input = { id: 'in_1Renewal', paymentIntent: 'pi_3Renewal', amountPaid: 2900, currency: 'usd', billingReason: 'subscription_cycle' as const, created };
  it('current shape (2025-03-31 and later): the payment intent from payments.data[].payment', () => {
    expect(messagesOf(stripeEvent('invoice.paid', paidInvoice(input), { id: 'evt_i1', created }))[0]).toMatchObject({
      transaction_id: 'pi_3Renewal',
      event_value: '29.00',
      currency: 'USD',
      recurring: true,
    });
  });
  it('older shape: payment_intent on the invoice', () => {
    const event = stripeEvent('invoice.paid', legacyPaidInvoice(input) as never, { id: 'evt_i2', created, apiVersion: '2024-06-20' });
    expect(messagesOf(event)[0]).toMatchObject({ transaction_id: 'pi_3Renewal', event_value: '29.00' });
  });
  it('no payment listed: the invoice is its own transaction (the sale is not lost)', () => {
    expect(messagesOf(stripeEvent('invoice.paid', paidInvoice({ ...input, paymentIntent: null }), { id: 'evt_i3', created }))[0]).toMatchObject({
      transaction_id: 'in_1Renewal',
    });
  });
  it('nothing paid (credit balance) and a subscription’s first invoice are not sales here', () => {
    expect(translate(stripeEvent('invoice.paid', paidInvoice({ ...input, amountPaid: 0 }), { id: 'evt_i4', created })).handled).toBe(false);
    expect(translate(stripeEvent('invoice.paid', paidInvoice({ ...input, billingReason: 'subscription_create' }), { id: 'evt_i5', created })).handled).toBe(false);
  });
});

describe('refunds', () => {
  const refund = (status: Parameters<typeof refundObject>[0]['status'], amount = 2000, currency = 'jpy') =>
    refundObject({ id: 're_3R1', amount, currency, charge: 'ch_3C1', paymentIntent: 'pi_3Sale', status, created });

  it.each(['refund.created', 'refund.updated', 'charge.refund.updated'] as const)('%s (succeeded): that refund under its re_ id, in its currency', (type) => {
    expect(messagesOf(stripeEvent(type, refund('succeeded'), { id: 'evt_r1', created }))).toEqual([
      {
        kind: 'refund',
        vendor_id: 3,
        source: 'stripe',
        transaction_id: 'pi_3Sale',
        integration_id: 7,
        provider_event_id: 'evt_r1/re_3R1',
        refund_key: 're_3R1',
        amount: '2000',
        currency: 'JPY',
        reason: 'refund',
        refund_status: 'succeeded',
        charge_id: 'ch_3C1',
        occurred_at: '2026-01-01T00:00:00.000Z',
      },
    ]);
  });

  it.each([
    ['refund.updated', 'failed'],
    ['refund.failed', 'failed'],
    ['charge.refund.updated', 'canceled'],
  ] as const)('%s (%s): the same re_ id, voided (a new delivery id, so it is not taken for a duplicate)', (type, status) => {
    const [message] = messagesOf(stripeEvent(type, refund(status), { id: 'evt_r2', created: created + 60 }));
    expect(message).toMatchObject({ refund_key: 're_3R1', refund_status: status, provider_event_id: 'evt_r2/re_3R1' });
  });

  it.each(['pending', 'requires_action'] as const)('a %s refund moves nothing yet', (status) => {
    expect(translate(stripeEvent('refund.created', refund(status), { id: 'evt_r3', created })).handled).toBe(false);
  });

  it('a refund of a legacy charge without a payment intent is keyed by the charge', () => {
    const object = refundObject({ id: 're_3R2', amount: 500, currency: 'usd', charge: 'ch_3Legacy', paymentIntent: null, status: 'succeeded', created });
    expect(messagesOf(stripeEvent('refund.created', object, { id: 'evt_r4', created }))[0]).toMatchObject({ transaction_id: 'ch_3Legacy', amount: '5.00' });
  });

  it('charge.refunded, current shape (no refunds list): the running total under the charge', () => {
    const charge = refundedCharge({ id: 'ch_3C1', paymentIntent: 'pi_3Sale', amount: 5000, amountRefunded: 3000, currency: 'jpy', created });
    expect(messagesOf(stripeEvent('charge.refunded', charge, { id: 'evt_c1', created }))).toEqual([
      expect.objectContaining({ refund_key: 'amount_refunded:ch_3C1', amount: '3000', currency: 'JPY', cumulative: true, charge_id: 'ch_3C1', transaction_id: 'pi_3Sale' }),
    ]);
  });

  it('charge.refunded, pre-2022-11-15 shape: each listed refund with its status; a complete list explains the running total', () => {
    const listed = [refund('succeeded', 1000, 'usd'), { ...refund('failed', 500, 'usd'), id: 're_3R9' }];
    const charge = refundedCharge({ id: 'ch_3C1', paymentIntent: 'pi_3Sale', amount: 5000, amountRefunded: 1000, currency: 'usd', created, legacyRefunds: listed });
    const messages = messagesOf(stripeEvent('charge.refunded', charge, { id: 'evt_c2', created, apiVersion: '2022-08-01' }));
    expect(messages.map((m) => (m.kind === 'refund' ? [m.refund_key, m.amount, m.refund_status ?? 'running total'] : null))).toEqual([
      ['re_3R1', '10.00', 'succeeded'],
      ['re_3R9', '5.00', 'failed'],
    ]);
  });

  it('charge.refunded, pre-2022-11-15 shape with more refunds than listed (has_more): the running total is an entry too', () => {
    const charge = refundedCharge({ id: 'ch_3C1', paymentIntent: 'pi_3Sale', amount: 5000, amountRefunded: 1500, currency: 'usd', created, legacyRefunds: [refund('succeeded', 1000, 'usd')] });
    const paged = { ...charge, refunds: { ...charge.refunds!, has_more: true } };
    const messages = messagesOf(stripeEvent('charge.refunded', paged, { id: 'evt_c4', created, apiVersion: '2022-08-01' }));
    expect(messages.map((m) => (m.kind === 'refund' ? [m.refund_key, m.amount, m.cumulative ?? false] : null))).toEqual([
      ['re_3R1', '10.00', false],
      ['amount_refunded:ch_3C1', '15.00', true],
    ]);
  });

  it('a charge without a currency is malformed (400), not guessed', () => {
    const charge = { ...refundedCharge({ id: 'ch_3C1', paymentIntent: 'pi_3Sale', amount: 5000, amountRefunded: 3000, currency: 'jpy', created }), currency: undefined };
    expect(() => translate(stripeEvent('charge.refunded', charge, { id: 'evt_c3', created }))).toThrow(MalformedWebhookError);
  });
});

describe('disputes', () => {
  const dispute = (status: Parameters<typeof disputeObject>[0]['status']) =>
    disputeObject({ id: 'dp_1D', charge: 'ch_3C1', paymentIntent: 'pi_3Sale', amount: 5000, currency: 'jpy', status, created });

  it('charge.dispute.created takes the disputed amount under the dispute id', () => {
    expect(messagesOf(stripeEvent('charge.dispute.created', dispute('needs_response'), { id: 'evt_d1', created }))).toEqual([
      expect.objectContaining({ reason: 'dispute', refund_key: 'dp_1D', dispute_id: 'dp_1D', amount: '5000', currency: 'JPY', transaction_id: 'pi_3Sale' }),
    ]);
  });

  it.each(['won', 'warning_closed'] as const)('charge.dispute.closed as %s gives the dispute back', (status) => {
    expect(messagesOf(stripeEvent('charge.dispute.closed', dispute(status), { id: 'evt_d2', created }))).toEqual([
      expect.objectContaining({ reason: 'dispute_won', refund_key: 'dp_1D:won', dispute_id: 'dp_1D' }),
    ]);
  });

  it('charge.dispute.closed as lost keeps the reversal (the same entry as created, so it counts once)', () => {
    expect(messagesOf(stripeEvent('charge.dispute.closed', dispute('lost'), { id: 'evt_d3', created }))).toEqual([
      expect.objectContaining({ reason: 'dispute', refund_key: 'dp_1D' }),
    ]);
  });

  it('charge.dispute.funds_reinstated is acknowledged only: closed carries the outcome', () => {
    expect(translate(stripeEvent('charge.dispute.funds_reinstated', dispute('won'), { id: 'evt_d4', created })).handled).toBe(false);
  });
});

it('every handled event type is covered above', () => {
  expect([...handledStripeEventTypes].sort()).toEqual(
    [
      'charge.dispute.closed',
      'charge.dispute.created',
      'charge.dispute.funds_reinstated',
      'charge.refund.updated',
      'charge.refunded',
      'checkout.session.async_payment_failed',
      'checkout.session.async_payment_succeeded',
      'checkout.session.completed',
      'invoice.paid',
      'refund.created',
      'refund.failed',
      'refund.updated',
    ].sort(),
  );
});
