/**
 * Provider payloads as Stripe and Shopify send them, trimmed to what a shop's integration carries
 * (the shapes of events/stripe/*.json and events/shopify/*.json). Amounts go in as integer cents
 * and come out the way each provider writes them: Stripe integer cents, Shopify decimal strings.
 */
import { formatMoney } from '../../functions/domain/money/index.js';

export interface StripeCheckoutInput {
  eventId: string;
  sessionId: string;
  paymentIntentId: string;
  amountCents: bigint;
  /** The `aff_click_id` the shopper landed with; the shop passes it as client_reference_id. */
  clickId: string;
  customerId: string;
  customerEmail: string;
  /** Unix seconds. */
  created: number;
}

/** A paid `checkout.session.completed` event. */
export function buildStripeCheckoutCompleted(input: StripeCheckoutInput): Record<string, unknown> {
  return {
    id: input.eventId,
    object: 'event',
    api_version: '2024-06-20',
    created: input.created,
    livemode: false,
    pending_webhooks: 1,
    type: 'checkout.session.completed',
    data: {
      object: {
        id: input.sessionId,
        object: 'checkout.session',
        amount_subtotal: Number(input.amountCents),
        amount_total: Number(input.amountCents),
        client_reference_id: input.clickId,
        created: input.created,
        currency: 'usd',
        customer: input.customerId,
        customer_details: { email: input.customerEmail },
        metadata: { aff_click_id: input.clickId },
        mode: 'payment',
        payment_intent: input.paymentIntentId,
        payment_status: 'paid',
        status: 'complete',
      },
    },
  };
}

export interface StripeRefundInput {
  eventId: string;
  chargeId: string;
  refundId: string;
  paymentIntentId: string;
  chargeAmountCents: bigint;
  refundAmountCents: bigint;
  created: number;
}

/** A `charge.refunded` event carrying one succeeded refund. */
export function buildStripeChargeRefunded(input: StripeRefundInput): Record<string, unknown> {
  return {
    id: input.eventId,
    object: 'event',
    api_version: '2024-06-20',
    created: input.created,
    livemode: false,
    pending_webhooks: 1,
    type: 'charge.refunded',
    data: {
      object: {
        id: input.chargeId,
        object: 'charge',
        amount: Number(input.chargeAmountCents),
        amount_captured: Number(input.chargeAmountCents),
        amount_refunded: Number(input.refundAmountCents),
        currency: 'usd',
        paid: true,
        payment_intent: input.paymentIntentId,
        refunded: input.refundAmountCents === input.chargeAmountCents,
        refunds: {
          object: 'list',
          data: [
            {
              id: input.refundId,
              object: 'refund',
              amount: Number(input.refundAmountCents),
              charge: input.chargeId,
              created: input.created,
              currency: 'usd',
              payment_intent: input.paymentIntentId,
              reason: 'requested_by_customer',
              status: 'succeeded',
            },
          ],
          has_more: false,
          total_count: 1,
        },
        status: 'succeeded',
      },
    },
  };
}

export interface ShopifyOrderInput {
  orderId: number;
  orderNumber: number;
  totalCents: bigint;
  clickId: string;
  customerId: number;
  email: string;
  /** ISO timestamp. */
  processedAt: string;
}

/** An `orders/paid` body; the storefront put the click id in the cart's note attributes. */
export function buildShopifyOrderPaid(input: ShopifyOrderInput): Record<string, unknown> {
  const total = formatMoney(input.totalCents);
  return {
    id: input.orderId,
    name: `#${input.orderNumber}`,
    order_number: input.orderNumber,
    email: input.email,
    created_at: input.processedAt,
    processed_at: input.processedAt,
    currency: 'USD',
    financial_status: 'paid',
    current_total_price: total,
    total_price: total,
    subtotal_price: total,
    landing_site: `/products/trail-runner-2?aff_click_id=${input.clickId}`,
    note_attributes: [{ name: 'aff_click_id', value: input.clickId }],
    tags: '',
    test: false,
    customer: { id: input.customerId, email: input.email },
    line_items: [{ id: input.orderId * 10 + 1, name: 'Trail Runner 2', price: total, quantity: 1 }],
  };
}
