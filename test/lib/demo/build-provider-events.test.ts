/**
 * The demo's provider payloads are what Stripe and Shopify send and what the platform's
 * translators expect: the sale, its click id, amounts in the provider's unit (¥5000 is 5000 in
 * Stripe, zero-decimal), and the refund in Stripe's current shapes keyed on the same
 * PaymentIntent. The Stripe objects are compared with events/stripe/stripe-events.ts, whose
 * builders type-check against the `stripe` package's own types.
 */
import { describe, expect, it } from 'vitest';
import { refundEventFromMessage } from '../../../functions/domain/conversions/index.js';
import { parseStripeEvent, translateShopifyWebhook, translateStripeEvent } from '../../../functions/domain/integrations/index.js';
import { reduceRefunds } from '../../../functions/domain/refunds/index.js';
import { CURRENT_API_VERSION, refundedCharge, refundObject, stripeEvent } from '../../../events/stripe/stripe-events.js';
import { buildShopifyOrderPaid, buildStripeChargeRefunded, buildStripeCheckoutCompleted, buildStripeRefundCreated } from '../../../lib/demo/build-provider-events.js';

const integration = { integration_id: 7, vendor_id: 3, campaign_id: 11 };
const clickId = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const t0 = 1_767_225_600;

const translate = (event: Record<string, unknown>) => translateStripeEvent({ event: parseStripeEvent(JSON.parse(JSON.stringify(event))), integration });
const checkout = (amount: bigint, currency: string) =>
  buildStripeCheckoutCompleted({
    eventId: 'evt_demo_1',
    sessionId: 'cs_test_demo_1',
    paymentIntentId: 'pi_demo_1',
    amount,
    currency,
    clickId,
    customerId: 'cus_demo',
    customerEmail: 'shopper@example.com',
    created: t0,
  });
const refundInput = { refundId: 're_demo', chargeId: 'ch_demo', paymentIntentId: 'pi_demo_1', amount: 3_000n, currency: 'usd', created: t0 + 60 };
const chargeInput = { chargeId: 'ch_demo', paymentIntentId: 'pi_demo_1', chargeAmount: 8_000n, amountRefunded: 3_000n, currency: 'usd', created: t0 + 60 };

describe('demo provider payloads', () => {
  it('a Stripe checkout becomes one sale with the click id and the amount in dollars', () => {
    const translation = translate(checkout(12_345n, 'usd'));
    expect(translation.handled).toBe(true);
    if (!translation.handled) return;
    expect(translation.messages).toEqual([
      expect.objectContaining({
        kind: 'conversion',
        source: 'stripe',
        event_type: 'sale',
        transaction_id: 'pi_demo_1',
        event_value: '123.45',
        currency: 'USD',
        click_id: clickId,
        customer_email: 'shopper@example.com',
        provider_event_id: 'evt_demo_1',
        occurred_at: '2026-01-01T00:00:00.000Z',
        campaign_id: 11,
      }),
    ]);
  });

  it('a Stripe checkout of amount_total 5000 in jpy is a sale of ¥5000 (zero-decimal), not 50.00', () => {
    const event = checkout(5_000n, 'jpy');
    expect(event).toMatchObject({ type: 'checkout.session.completed', data: { object: { amount_total: 5000, currency: 'jpy' } } });
    const translation = translate(event);
    expect(translation.handled && translation.messages).toEqual([expect.objectContaining({ kind: 'conversion', event_value: '5000', currency: 'JPY', transaction_id: 'pi_demo_1' })]);
  });

  it('the Stripe envelope is the one the stripe package types describe', () => {
    const event = checkout(100n, 'usd');
    const { data: _typed, ...envelope } = stripeEvent('checkout.session.completed', {}, { id: 'evt_demo_1', created: t0 });
    const { data: _demo, ...demoEnvelope } = event;
    expect(demoEnvelope).toEqual(envelope);
    expect(event.api_version).toBe(CURRENT_API_VERSION);
  });

  it('refund.created carries a complete succeeded Refund object, as Stripe types it, and becomes one refund under its re_ id', () => {
    const event = buildStripeRefundCreated({ ...refundInput, eventId: 'evt_demo_2' });
    expect(event).toEqual(
      stripeEvent(
        'refund.created',
        refundObject({ id: 're_demo', amount: 3_000, currency: 'usd', charge: 'ch_demo', paymentIntent: 'pi_demo_1', status: 'succeeded', created: t0 + 60 }),
        { id: 'evt_demo_2', created: t0 + 60 },
      ),
    );
    expect(translate(event).handled && (translate(event) as { messages: unknown[] }).messages).toEqual([
      expect.objectContaining({ kind: 'refund', transaction_id: 'pi_demo_1', amount: '30.00', currency: 'USD', refund_key: 're_demo', reason: 'refund' }),
    ]);
  });

  it('charge.refunded is the current list-less Charge: amount_refunded, no refunds list, every field as Stripe types it', () => {
    const event = buildStripeChargeRefunded({ ...chargeInput, eventId: 'evt_demo_3' }) as { data: { object: Record<string, unknown> } };
    const typed = refundedCharge({ id: 'ch_demo', paymentIntent: 'pi_demo_1', amount: 8_000, amountRefunded: 3_000, currency: 'usd', created: t0 + 60 }) as Record<string, unknown>;
    expect(event.data.object).not.toHaveProperty('refunds');
    for (const [field, value] of Object.entries(event.data.object)) expect([field, typed[field]]).toEqual([field, value]);
    const translation = translate(event);
    expect(translation.handled && translation.messages).toEqual([expect.objectContaining({ kind: 'refund', transaction_id: 'pi_demo_1', amount: '30.00', currency: 'USD' })]);
  });

  it('refund.created and charge.refunded of the same $30.00, in either order and twice, reverse $30.00 once', () => {
    const events = [buildStripeRefundCreated({ ...refundInput, eventId: 'evt_demo_2' }), buildStripeChargeRefunded({ ...chargeInput, eventId: 'evt_demo_3' })];
    const ledger = (delivered: Record<string, unknown>[]) =>
      delivered.flatMap((e) => {
        const t = translate(e);
        return t.handled ? t.messages.flatMap((m) => (m.kind === 'refund' ? [refundEventFromMessage(m)] : [])) : [];
      });
    // The ledger counts in thousandths (the database's three decimals): $80.00 is 80000.
    for (const delivered of [events, [...events].reverse(), [...events, ...events]]) {
      expect(reduceRefunds({ saleAmountCents: 80_000n, commissionCents: 8_000n, events: ledger(delivered) })).toMatchObject({ reversedSaleCents: 30_000n, adjustedCommissionCents: 5_000n });
    }
  });

  it('a Shopify orders/paid becomes one sale with the note attribute click id', () => {
    const body = buildShopifyOrderPaid({
      orderId: 5_800_000_000_123,
      orderNumber: 1001,
      totalCents: 25_000n,
      clickId,
      customerId: 7_200_000_001_001,
      email: 'buyer@example.com',
      processedAt: '2026-01-01T00:01:00.000Z',
    });
    const translation = translateShopifyWebhook({ topic: 'orders/paid', webhookId: 'wh-1', body: JSON.parse(JSON.stringify(body)), integration });
    expect(translation.handled && translation.messages).toEqual([
      expect.objectContaining({
        kind: 'conversion',
        source: 'shopify',
        transaction_id: '5800000000123',
        event_value: '250.00',
        click_id: clickId,
        provider_event_id: 'wh-1',
        occurred_at: '2026-01-01T00:01:00.000Z',
      }),
    ]);
  });
});
