/**
 * The demo's provider payloads are what the platform's translators expect: the sale, its click
 * id, amounts in the provider's format, and the refund keyed on the same PaymentIntent.
 */
import { describe, expect, it } from 'vitest';
import { parseStripeEvent, translateShopifyWebhook, translateStripeEvent } from '../../../functions/domain/integrations/index.js';
import { buildShopifyOrderPaid, buildStripeChargeRefunded, buildStripeCheckoutCompleted } from '../../../lib/demo/build-provider-events.js';

const integration = { integration_id: 7, vendor_id: 3, campaign_id: 11 };
const clickId = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('demo provider payloads', () => {
  it('a Stripe checkout becomes one sale with the click id and the amount in dollars', () => {
    const event = buildStripeCheckoutCompleted({
      eventId: 'evt_demo_1',
      sessionId: 'cs_test_demo_1',
      paymentIntentId: 'pi_demo_1',
      amountCents: 12_345n,
      clickId,
      customerId: 'cus_demo',
      customerEmail: 'shopper@example.com',
      created: 1_767_225_600,
    });
    const translation = translateStripeEvent({ event: parseStripeEvent(JSON.parse(JSON.stringify(event))), integration });
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

  it('a Stripe charge.refunded becomes one refund of that amount on the same PaymentIntent', () => {
    const event = buildStripeChargeRefunded({
      eventId: 'evt_demo_2',
      chargeId: 'ch_demo',
      refundId: 're_demo',
      paymentIntentId: 'pi_demo_1',
      chargeAmountCents: 8_000n,
      refundAmountCents: 3_000n,
      created: 1_767_225_660,
    });
    const translation = translateStripeEvent({ event: parseStripeEvent(event), integration });
    expect(translation.handled && translation.messages).toEqual([
      expect.objectContaining({ kind: 'refund', transaction_id: 'pi_demo_1', amount: '30.00', refund_key: 're_demo', reason: 'refund' }),
    ]);
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
