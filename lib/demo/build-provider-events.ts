/**
 * Provider payloads as Stripe and Shopify send them, trimmed to what a shop's integration carries
 * (the shapes of events/stripe/stripe-events.ts, built on the `stripe` package's types, and of
 * events/shopify/*.json; lib/ does not import them: events/ is test material). Stripe amounts go
 * in and come out as integers in Stripe's minor unit of `currency` (cents for usd, yen for jpy,
 * which Stripe counts without decimals); Shopify amounts go in as integer cents and come out as
 * decimal strings.
 */
import { formatMoney } from '../../functions/domain/money/index.js';

/** The API version the demo's Stripe events carry (the installed `stripe` package's). */
const stripeApiVersion = '2026-10-28.endive';

function stripeEnvelope(type: string, object: Record<string, unknown>, eventId: string, created: number): Record<string, unknown> {
  return {
    id: eventId,
    object: 'event',
    api_version: stripeApiVersion,
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

export interface StripeCheckoutInput {
  eventId: string;
  sessionId: string;
  paymentIntentId: string;
  /** In Stripe's minor unit of `currency`: 12000 is $120.00, 5000 is ¥5000. */
  amount: bigint;
  /** Stripe's lower-case code: 'usd', 'jpy'. */
  currency: string;
  /** The `aff_click_id` the shopper landed with; the shop passes it as client_reference_id. */
  clickId: string;
  customerId: string;
  customerEmail: string;
  /** Unix seconds. */
  created: number;
}

/** A paid `checkout.session.completed` event. */
export function buildStripeCheckoutCompleted(input: StripeCheckoutInput): Record<string, unknown> {
  return stripeEnvelope(
    'checkout.session.completed',
    {
      id: input.sessionId,
      object: 'checkout.session',
      amount_subtotal: Number(input.amount),
      amount_total: Number(input.amount),
      client_reference_id: input.clickId,
      created: input.created,
      currency: input.currency,
      customer: input.customerId,
      customer_details: { email: input.customerEmail },
      livemode: false,
      metadata: { aff_click_id: input.clickId },
      mode: 'payment',
      payment_intent: input.paymentIntentId,
      payment_status: 'paid',
      status: 'complete',
    },
    input.eventId,
    input.created,
  );
}

export interface StripeRefundInput {
  eventId: string;
  refundId: string;
  chargeId: string;
  paymentIntentId: string;
  /** In Stripe's minor unit of `currency`. */
  amount: bigint;
  currency: string;
  created: number;
}

/** A `refund.created` event: one succeeded Refund object (`re_...`), complete as Stripe's `Refund` type lists it. */
export function buildStripeRefundCreated(input: StripeRefundInput): Record<string, unknown> {
  return stripeEnvelope(
    'refund.created',
    {
      id: input.refundId,
      object: 'refund',
      amount: Number(input.amount),
      balance_transaction: `txn_${input.refundId.slice(3)}`,
      charge: input.chargeId,
      created: input.created,
      currency: input.currency,
      customer: null,
      customer_account: null,
      metadata: {},
      payment_intent: input.paymentIntentId,
      payment_method: null,
      reason: 'requested_by_customer',
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    },
    input.eventId,
    input.created,
  );
}

export interface StripeChargeRefundedInput {
  eventId: string;
  chargeId: string;
  paymentIntentId: string;
  /** The charge and its running refunded total, in Stripe's minor unit of `currency`. */
  chargeAmount: bigint;
  amountRefunded: bigint;
  currency: string;
  created: number;
}

/**
 * A `charge.refunded` event as Stripe sends it since API version 2022-11-15: the Charge carries
 * `amount_refunded` (its running total) and no embedded `refunds` list.
 */
export function buildStripeChargeRefunded(input: StripeChargeRefundedInput): Record<string, unknown> {
  return stripeEnvelope(
    'charge.refunded',
    {
      id: input.chargeId,
      object: 'charge',
      amount: Number(input.chargeAmount),
      amount_captured: Number(input.chargeAmount),
      amount_refunded: Number(input.amountRefunded),
      captured: true,
      created: input.created,
      currency: input.currency,
      disputed: false,
      livemode: false,
      metadata: {},
      paid: true,
      payment_intent: input.paymentIntentId,
      refunded: input.amountRefunded === input.chargeAmount,
      status: 'succeeded',
    },
    input.eventId,
    input.created,
  );
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
