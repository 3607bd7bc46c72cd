/**
 * Stripe events as Stripe's API sends them, built on the `stripe` package's own TypeScript types:
 * every field named here must exist in Stripe's API with that type (`satisfies`), so a field we
 * invented, misspelt or that Stripe removed fails type-check. Objects list the fields the
 * platform reads plus their identifying neighbours (`Partial<…>`); a Refund is complete
 * (`Stripe.Refund`). Older shapes that the current types no longer have are marked where they
 * differ (`legacy…`), with the API version that changed them.
 *
 * Sign with `stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(event), secret, timestamp })`.
 */
import type Stripe from 'stripe';

/** The API version of the installed `stripe` package (its `apiVersion.d.ts`). */
export const CURRENT_API_VERSION = '2026-10-28.endive';

type EventType = Stripe.Event['type'];
type EventOf<T extends EventType> = Extract<Stripe.Event, { type: T }>;
type ObjectOf<T extends EventType> = EventOf<T>['data']['object'];

/** An event envelope exactly as Stripe's types define it, around an object of the event's own type. */
export type StripeEventSample<T extends EventType, O = Partial<ObjectOf<T>>> = Omit<EventOf<T>, 'data'> & {
  data: { object: O; previous_attributes?: Partial<ObjectOf<T>> };
};

export function stripeEvent<T extends EventType, O extends Partial<ObjectOf<T>>>(
  type: T,
  object: O,
  options: { id: string; created: number; apiVersion?: string },
): StripeEventSample<T, O> {
  return {
    id: options.id,
    object: 'event',
    api_version: options.apiVersion ?? CURRENT_API_VERSION,
    created: options.created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  } as StripeEventSample<T, O>;
}

/** A Checkout Session (payment mode) as `checkout.session.*` events carry it. */
export function checkoutSession(input: {
  id: string;
  paymentIntent: string | null;
  amountTotal: number;
  currency: string;
  paymentStatus: Stripe.Checkout.Session.PaymentStatus;
  clickId?: string;
  created: number;
}) {
  return {
    id: input.id,
    object: 'checkout.session',
    amount_subtotal: input.amountTotal,
    amount_total: input.amountTotal,
    client_reference_id: input.clickId ?? null,
    created: input.created,
    currency: input.currency,
    customer: 'cus_RtYu8IoP3aS2dF',
    customer_details: {
      address: null,
      business_name: null,
      email: 'jane.doe@example.com',
      individual_name: null,
      name: 'Jane Doe',
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    },
    customer_email: null,
    livemode: false,
    metadata: {},
    mode: 'payment',
    payment_intent: input.paymentIntent,
    payment_method_types: ['card'],
    payment_status: input.paymentStatus,
    status: 'complete',
    success_url: 'https://trail-shop.example/thanks',
    url: null,
  } satisfies Partial<Stripe.Checkout.Session>;
}

/** A complete Refund object (`refund.*` and `charge.refund.updated` events, and old embedded lists). */
export function refundObject(input: {
  id: string;
  amount: number;
  currency: string;
  charge: string;
  paymentIntent: string | null;
  status: 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';
  created: number;
}): Stripe.Refund {
  return {
    id: input.id,
    object: 'refund',
    amount: input.amount,
    balance_transaction: input.status === 'succeeded' ? `txn_${input.id.slice(3)}` : null,
    charge: input.charge,
    created: input.created,
    currency: input.currency,
    customer: null,
    customer_account: null,
    metadata: {},
    payment_intent: input.paymentIntent,
    payment_method: null,
    reason: 'requested_by_customer',
    receipt_number: null,
    source_transfer_reversal: null,
    status: input.status,
    transfer_reversal: null,
  } satisfies Stripe.Refund;
}

/**
 * A Charge as `charge.refunded` carries it since API version 2022-11-15: `amount_refunded` is the
 * running total and `refunds` is not included. `legacyRefunds` adds the embedded list that older
 * versions sent (at most 10 items, `has_more` beyond).
 */
export function refundedCharge(input: {
  id: string;
  paymentIntent: string | null;
  amount: number;
  amountRefunded: number;
  currency: string;
  created: number;
  legacyRefunds?: Stripe.Refund[];
}) {
  return {
    id: input.id,
    object: 'charge',
    amount: input.amount,
    amount_captured: input.amount,
    amount_refunded: input.amountRefunded,
    captured: true,
    created: input.created,
    currency: input.currency,
    customer: 'cus_RtYu8IoP3aS2dF',
    disputed: false,
    livemode: false,
    metadata: {},
    paid: true,
    payment_intent: input.paymentIntent,
    receipt_email: 'jane.doe@example.com',
    refunded: input.amountRefunded === input.amount,
    status: 'succeeded',
    ...(input.legacyRefunds
      ? {
          refunds: {
            object: 'list' as const,
            data: input.legacyRefunds,
            has_more: false,
            url: `/v1/charges/${input.id}/refunds`,
          },
        }
      : {}),
  } satisfies Partial<Stripe.Charge>;
}

/** A Dispute (`charge.dispute.*`). `warning_*` statuses are inquiries: no funds withdrawn yet. */
export function disputeObject(input: {
  id: string;
  charge: string;
  paymentIntent: string | null;
  amount: number;
  currency: string;
  status: Stripe.Dispute.Status;
  created: number;
}) {
  return {
    id: input.id,
    object: 'dispute',
    amount: input.amount,
    charge: input.charge,
    created: input.created,
    currency: input.currency,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: input.paymentIntent,
    reason: 'fraudulent',
    status: input.status,
  } satisfies Partial<Stripe.Dispute>;
}

/**
 * An Invoice as `invoice.paid` carries it since API version 2025-03-31: the PaymentIntent is in
 * `payments.data[].payment` (when the list is included), no longer `invoice.payment_intent`.
 */
export function paidInvoice(input: {
  id: string;
  paymentIntent: string | null;
  amountPaid: number;
  currency: string;
  billingReason: Stripe.Invoice.BillingReason;
  created: number;
}) {
  const payments: Stripe.InvoicePayment[] = input.paymentIntent
    ? [
        {
          id: `inpay_${input.id.slice(3)}`,
          object: 'invoice_payment',
          amount_paid: input.amountPaid,
          amount_requested: input.amountPaid,
          created: input.created,
          currency: input.currency,
          invoice: input.id,
          is_default: true,
          livemode: false,
          payment: { type: 'payment_intent', payment_intent: input.paymentIntent },
          status: 'paid',
          status_transitions: { canceled_at: null, paid_at: input.created },
        },
      ]
    : [];
  return {
    id: input.id,
    object: 'invoice',
    amount_due: input.amountPaid,
    amount_paid: input.amountPaid,
    amount_remaining: 0,
    billing_reason: input.billingReason,
    created: input.created,
    currency: input.currency,
    customer: 'cus_RtYu8IoP3aS2dF',
    customer_email: 'jane.doe@example.com',
    livemode: false,
    metadata: {},
    payments: { object: 'list', data: payments, has_more: false, url: `/v1/invoice_payments?invoice=${input.id}` },
    status: 'paid',
  } satisfies Partial<Stripe.Invoice>;
}

/** The pre-2025-03-31 Invoice: `payment_intent` on the invoice itself (no longer in Stripe's types). */
export function legacyPaidInvoice(input: Parameters<typeof paidInvoice>[0]) {
  const { payments: _payments, ...invoice } = paidInvoice(input);
  return { ...invoice, payment_intent: input.paymentIntent };
}
