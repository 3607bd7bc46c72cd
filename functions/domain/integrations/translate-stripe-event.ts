/**
 * Stripe events to conversion-queue messages.
 *
 * The transaction id that links a sale to its refunds and disputes is the PaymentIntent
 * (`pi_...`): a checkout session, an invoice, a charge and a dispute all name it, so the sale
 * (checkout.session.completed, invoice.paid) and its reversals (charge.refunded,
 * charge.dispute.created) meet on one key. Only when Stripe gives no PaymentIntent (legacy
 * Charges API, a subscription-mode checkout) do we fall back to the object's own id.
 *
 * `charge.refunded` carries `amount_refunded` as a running total; we emit one refund message per
 * `refunds.data[]` item, keyed by its `re_...` id and carrying that refund's own amount, so a
 * redelivered or later event can never count a refund twice.
 */
import { z } from 'zod';
import type { RefundMessage } from '../../ports/conversion-message.js';
import { MalformedWebhookError } from './malformed-webhook-error.js';
import {
  asClickId,
  centsToDecimal,
  currencyOf,
  isRecord,
  optionalString,
  unixToIso,
} from './provider-values.js';
import type { ConversionMessage, IntegrationContext, WebhookTranslation } from './types.js';

const stripeEventSchema = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1),
  created: z.number().int().positive(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

export type StripeEvent = z.infer<typeof stripeEventSchema>;

/** The event types we translate; anything else is acknowledged and ignored. */
export const handledStripeEventTypes = [
  'checkout.session.completed',
  'invoice.paid',
  'charge.refunded',
  'charge.dispute.created',
] as const;

/** Parses the (already verified) body as a Stripe event envelope. */
export function parseStripeEvent(body: unknown): StripeEvent {
  const parsed = stripeEventSchema.safeParse(body);
  if (!parsed.success) throw new MalformedWebhookError('Not a Stripe event (id, type, created, data.object)');
  return parsed.data;
}

function idOf(value: unknown): string | undefined {
  // Expanded objects carry the id inside.
  if (isRecord(value)) return optionalString(value.id);
  return optionalString(value);
}

function requireString(value: unknown, field: string): string {
  const text = optionalString(value);
  if (!text) throw new MalformedWebhookError(`${field} is required`);
  return text;
}

function baseConversion(event: StripeEvent, integration: IntegrationContext): Pick<
  ConversionMessage,
  'kind' | 'vendor_id' | 'source' | 'integration_id' | 'provider_event_id' | 'occurred_at'
> & { campaign_id?: number } {
  return {
    kind: 'conversion',
    vendor_id: integration.vendor_id,
    source: 'stripe',
    integration_id: integration.integration_id,
    provider_event_id: event.id,
    occurred_at: unixToIso(event.created, 'created'),
    ...(integration.campaign_id !== undefined ? { campaign_id: integration.campaign_id } : {}),
  };
}

function tagsOf(metadata: unknown): string[] {
  const tags = isRecord(metadata) ? metadata.tags : undefined;
  return typeof tags === 'string' ? tags.split(',').map((t) => t.trim()).filter(Boolean) : [];
}

function checkoutSessionCompleted(event: StripeEvent, integration: IntegrationContext): WebhookTranslation {
  const session = event.data.object;
  if (session.payment_status === 'unpaid') {
    // Delayed payment methods: the money arrives with checkout.session.async_payment_succeeded.
    return { handled: false, reason: 'checkout session not paid yet' };
  }
  const metadata = isRecord(session.metadata) ? session.metadata : {};
  const transactionId = idOf(session.payment_intent) ?? requireString(session.id, 'data.object.id');
  const customerDetails = isRecord(session.customer_details) ? session.customer_details : {};
  const email = optionalString(customerDetails.email) ?? optionalString(session.customer_email);
  const clickId = asClickId(session.client_reference_id) ?? asClickId(metadata.aff_click_id);
  const message: ConversionMessage = {
    ...baseConversion(event, integration),
    kind: 'conversion',
    receipt_id: '00000000-0000-0000-0000-000000000000',
    event_type: 'sale',
    transaction_id: transactionId,
    event_value: centsToDecimal(session.amount_total, 'data.object.amount_total'),
    ...(currencyOf(session.currency) ? { currency: currencyOf(session.currency) } : {}),
    ...(clickId ? { click_id: clickId } : {}),
    ...(idOf(session.customer) ? { customer_id: idOf(session.customer) } : {}),
    ...(email ? { customer_email: email } : {}),
    metadata: { stripe_event_type: event.type, stripe_checkout_session_id: requireString(session.id, 'data.object.id') },
  };
  return { handled: true, messages: [message], mappingSubject: session, tags: tagsOf(metadata) };
}

function invoicePaid(event: StripeEvent, integration: IntegrationContext): WebhookTranslation {
  const invoice = event.data.object;
  if (invoice.billing_reason === 'subscription_create') {
    // The subscription's first payment is the checkout session's sale (which carries the click id).
    return { handled: false, reason: 'first invoice of a subscription is counted by its checkout session' };
  }
  const transactionId = idOf(invoice.payment_intent);
  if (!transactionId) return { handled: false, reason: 'invoice paid without a payment (zero amount or credit balance)' };
  const message: ConversionMessage = {
    ...baseConversion(event, integration),
    kind: 'conversion',
    receipt_id: '00000000-0000-0000-0000-000000000000',
    event_type: 'sale',
    transaction_id: transactionId,
    event_value: centsToDecimal(invoice.amount_paid, 'data.object.amount_paid'),
    ...(currencyOf(invoice.currency) ? { currency: currencyOf(invoice.currency) } : {}),
    ...(idOf(invoice.customer) ? { customer_id: idOf(invoice.customer) } : {}),
    ...(optionalString(invoice.customer_email) ? { customer_email: optionalString(invoice.customer_email) } : {}),
    recurring: true,
    metadata: { stripe_event_type: event.type, stripe_invoice_id: requireString(invoice.id, 'data.object.id') },
  };
  return { handled: true, messages: [message], mappingSubject: invoice, tags: tagsOf(invoice.metadata) };
}

function chargeRefunded(event: StripeEvent, integration: IntegrationContext): WebhookTranslation {
  const charge = event.data.object;
  const transactionId = idOf(charge.payment_intent) ?? requireString(charge.id, 'data.object.id');
  const refunds = isRecord(charge.refunds) && Array.isArray(charge.refunds.data) ? charge.refunds.data : undefined;
  if (!refunds) throw new MalformedWebhookError('data.object.refunds.data is required');
  const messages: RefundMessage[] = [];
  for (const [index, refund] of refunds.entries()) {
    if (!isRecord(refund)) throw new MalformedWebhookError(`refunds.data.${index} is not an object`);
    if (refund.status === 'failed' || refund.status === 'canceled') continue;
    messages.push({
      kind: 'refund',
      vendor_id: integration.vendor_id,
      source: 'stripe',
      transaction_id: transactionId,
      amount: centsToDecimal(refund.amount, `refunds.data.${index}.amount`),
      reason: 'refund',
      occurred_at: unixToIso(refund.created ?? event.created, `refunds.data.${index}.created`),
      integration_id: integration.integration_id,
      provider_event_id: requireString(refund.id, `refunds.data.${index}.id`),
    });
  }
  if (messages.length === 0) return { handled: false, reason: 'no succeeded refund on the charge' };
  return { handled: true, messages, mappingSubject: charge, tags: [] };
}

function disputeCreated(event: StripeEvent, integration: IntegrationContext): WebhookTranslation {
  const dispute = event.data.object;
  const transactionId = idOf(dispute.payment_intent) ?? requireString(idOf(dispute.charge), 'data.object.charge');
  const message: RefundMessage = {
    kind: 'refund',
    vendor_id: integration.vendor_id,
    source: 'stripe',
    transaction_id: transactionId,
    amount: centsToDecimal(dispute.amount, 'data.object.amount'),
    reason: 'dispute',
    occurred_at: unixToIso(dispute.created ?? event.created, 'data.object.created'),
    integration_id: integration.integration_id,
    // One dispute, one created event: the dispute id names the reversal (as `re_` ids do refunds).
    provider_event_id: requireString(dispute.id, 'data.object.id'),
  };
  return { handled: true, messages: [message], mappingSubject: dispute, tags: [] };
}

/**
 * Translates a verified Stripe event. Conversion messages come back with a placeholder
 * `receipt_id`; the caller stamps the deterministic one (it needs the final event type).
 * @throws MalformedWebhookError when a handled event lacks what it needs.
 */
export function translateStripeEvent(input: { event: StripeEvent; integration: IntegrationContext }): WebhookTranslation {
  const { event, integration } = input;
  switch (event.type) {
    case 'checkout.session.completed':
      return checkoutSessionCompleted(event, integration);
    case 'invoice.paid':
      return invoicePaid(event, integration);
    case 'charge.refunded':
      return chargeRefunded(event, integration);
    case 'charge.dispute.created':
      return disputeCreated(event, integration);
    default:
      return { handled: false, reason: `unhandled event type ${event.type}` };
  }
}
