// 335 lines: every handled Stripe event type side by side, so a sale and its refunds and disputes visibly meet on one transaction id (docs/provider-events.md keeps the same order).
/**
 * Stripe events to conversion-queue messages (docs/provider-events.md lists every event type,
 * its shapes and what it does to money).
 *
 * The transaction id that links a sale to its refunds and disputes is the PaymentIntent
 * (`pi_...`): a checkout session, an invoice, a charge, a refund and a dispute all name it, so the
 * sale and its reversals meet on one key. Only when Stripe gives no PaymentIntent (legacy Charges
 * API, a subscription-mode checkout) do we fall back to the object's own id.
 *
 * Amounts are integers in Stripe's minor unit of the object's `currency` (¥5000 is 5000 JPY,
 * not 50.00): every one goes through `stripeAmountToDecimal`, and a handled event without an
 * ISO 4217 currency is malformed.
 *
 * Refunds: each Refund (`re_...`) is one ledger entry under its own id, whichever event brought
 * it (`refund.created`/`updated`/`failed`, `charge.refund.updated`, an item of a pre-2022-11-15
 * `charge.refunded` list); `charge.refunded` also carries `amount_refunded`, the charge's
 * running total, as one entry per charge that merges by max. The consumer's ledger lets the
 * running total only top up what the per-refund entries have not explained (`reduceRefunds`).
 */
import { z } from 'zod';
import type { RefundMessage } from '../../ports/conversion-message.js';
import { MalformedWebhookError } from './malformed-webhook-error.js';
import { normaliseCurrency } from '../money/currency.js';
import { parseScaledDecimal } from '../money/decimal.js';
import { asClickId, isRecord, optionalString, quoteInput, stripeAmountToDecimal, unixToIso } from './provider-values.js';
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
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'invoice.paid',
  'charge.refunded',
  'refund.created',
  'refund.updated',
  'refund.failed',
  'charge.refund.updated',
  'charge.dispute.created',
  'charge.dispute.closed',
  'charge.dispute.funds_reinstated',
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

/** The object's currency, upper case; a handled object without an ISO 4217 currency is malformed. */
function requireCurrency(value: unknown, field: string): string {
  const currency = normaliseCurrency(value);
  if (!currency) throw new MalformedWebhookError(`${field} ${quoteInput(value)} is not an ISO 4217 currency`);
  return currency;
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

/** A sale keyed by `transactionId`; its receipt id is set when the message is queued. */
function baseSale(event: StripeEvent, integration: IntegrationContext, transactionId: string) {
  return {
    ...baseConversion(event, integration),
    receipt_id: '00000000-0000-0000-0000-000000000000',
    event_type: 'sale',
    transaction_id: transactionId,
  } as const;
}

function tagsOf(metadata: unknown): string[] {
  const tags = isRecord(metadata) ? metadata.tags : undefined;
  return typeof tags === 'string' ? tags.split(',').map((t) => t.trim()).filter(Boolean) : [];
}

function checkoutSession(event: StripeEvent, integration: IntegrationContext): WebhookTranslation {
  const session = event.data.object;
  if (event.type === 'checkout.session.async_payment_failed') {
    return { handled: false, reason: 'delayed payment failed: no sale' };
  }
  if (event.type === 'checkout.session.completed' && session.payment_status === 'unpaid') {
    // Delayed payment methods: the money arrives with checkout.session.async_payment_succeeded.
    return { handled: false, reason: 'checkout session not paid yet' };
  }
  const metadata = isRecord(session.metadata) ? session.metadata : {};
  const currency = requireCurrency(session.currency, 'data.object.currency');
  const transactionId = idOf(session.payment_intent) ?? requireString(session.id, 'data.object.id');
  const customerDetails = isRecord(session.customer_details) ? session.customer_details : {};
  const email = optionalString(customerDetails.email) ?? optionalString(session.customer_email);
  const clickId = asClickId(session.client_reference_id) ?? asClickId(metadata.aff_click_id);
  const message: ConversionMessage = {
    // completed (paid) and async_payment_succeeded of one session share this key: one sale.
    ...baseSale(event, integration, transactionId),
    event_value: stripeAmountToDecimal(session.amount_total, currency, 'data.object.amount_total'),
    currency,
    ...(clickId ? { click_id: clickId } : {}),
    ...(idOf(session.customer) ? { customer_id: idOf(session.customer) } : {}),
    ...(email ? { customer_email: email } : {}),
    metadata: { stripe_event_type: event.type, stripe_checkout_session_id: requireString(session.id, 'data.object.id') },
  };
  return { handled: true, messages: [message], mappingSubject: session, tags: tagsOf(metadata) };
}

/**
 * The PaymentIntent an invoice was paid with: `payment_intent` before API version 2025-03-31,
 * since then the paid entry of `payments.data[].payment`.
 */
function invoicePaymentIntent(invoice: Record<string, unknown>): string | undefined {
  const legacy = idOf(invoice.payment_intent);
  if (legacy) return legacy;
  const payments = isRecord(invoice.payments) && Array.isArray(invoice.payments.data) ? invoice.payments.data : [];
  for (const entry of payments) {
    if (isRecord(entry) && entry.status === 'paid' && isRecord(entry.payment)) {
      const id = idOf(entry.payment.payment_intent) ?? idOf(entry.payment.charge);
      if (id) return id;
    }
  }
  return undefined;
}

function invoicePaid(event: StripeEvent, integration: IntegrationContext): WebhookTranslation {
  const invoice = event.data.object;
  if (invoice.billing_reason === 'subscription_create') {
    // The subscription's first payment is the checkout session's sale (which carries the click id).
    return { handled: false, reason: 'first invoice of a subscription is counted by its checkout session' };
  }
  const currency = requireCurrency(invoice.currency, 'data.object.currency');
  const value = stripeAmountToDecimal(invoice.amount_paid, currency, 'data.object.amount_paid');
  if (invoice.amount_paid === 0) return { handled: false, reason: 'invoice paid without a payment (zero amount or credit balance)' };
  // Without a PaymentIntent in the payload (current API versions list payments only when
  // expanded) the invoice is its own transaction: the sale counts, refunds meet it only by the invoice id.
  const transactionId = invoicePaymentIntent(invoice) ?? requireString(invoice.id, 'data.object.id');
  const message: ConversionMessage = {
    ...baseSale(event, integration, transactionId),
    event_value: value,
    currency,
    ...(idOf(invoice.customer) ? { customer_id: idOf(invoice.customer) } : {}),
    ...(optionalString(invoice.customer_email) ? { customer_email: optionalString(invoice.customer_email) } : {}),
    recurring: true,
    metadata: { stripe_event_type: event.type, stripe_invoice_id: requireString(invoice.id, 'data.object.id') },
  };
  return { handled: true, messages: [message], mappingSubject: invoice, tags: tagsOf(invoice.metadata) };
}

/** A decimal amount as integer thousandths: comparable across currencies' scales without a float. */
function stripeMinorUnits(decimal: string | undefined): bigint {
  return decimal === undefined ? 0n : parseScaledDecimal(decimal, 3);
}

const refundStatuses = { pending: 'pending', requires_action: 'pending', succeeded: 'succeeded', failed: 'failed', canceled: 'canceled' } as const;

function refundBase(event: StripeEvent, integration: IntegrationContext, transactionId: string, key: string) {
  return {
    kind: 'refund' as const,
    vendor_id: integration.vendor_id,
    source: 'stripe' as const,
    transaction_id: transactionId,
    integration_id: integration.integration_id,
    // One delivery of one ledger entry: a later event about the same refund (it failed) is not a duplicate.
    provider_event_id: `${event.id}/${key}`,
    refund_key: key,
  };
}

/** One Refund object (`re_...`) as a ledger entry under its own id, with its status. */
function refundMessage(
  event: StripeEvent,
  integration: IntegrationContext,
  refund: Record<string, unknown>,
  field: string,
  defaults: { transactionId?: string; chargeId?: string } = {},
): RefundMessage {
  const id = requireString(refund.id, `${field}.id`);
  const chargeId = idOf(refund.charge) ?? defaults.chargeId;
  const transactionId = idOf(refund.payment_intent) ?? defaults.transactionId ?? chargeId;
  if (!transactionId) throw new MalformedWebhookError(`${field} names neither a payment_intent nor a charge`);
  const status = refundStatuses[String(refund.status) as keyof typeof refundStatuses];
  if (!status) throw new MalformedWebhookError(`${field}.status ${quoteInput(refund.status)} is not a refund status`);
  const currency = requireCurrency(refund.currency, `${field}.currency`);
  return {
    ...refundBase(event, integration, transactionId, id),
    amount: stripeAmountToDecimal(refund.amount, currency, `${field}.amount`),
    currency,
    reason: 'refund',
    refund_status: status,
    ...(chargeId ? { charge_id: chargeId } : {}),
    occurred_at: unixToIso(refund.created ?? event.created, `${field}.created`),
  };
}

/** `refund.created` / `refund.updated` / `refund.failed` / `charge.refund.updated`: a Refund object. */
function refundEvent(event: StripeEvent, integration: IntegrationContext): WebhookTranslation {
  const refund = event.data.object;
  if (refund.status === 'pending' || refund.status === 'requires_action') {
    return { handled: false, reason: `refund ${String(refund.id)} not settled yet (status ${String(refund.status)})` };
  }
  if (!idOf(refund.payment_intent) && !idOf(refund.charge)) {
    return { handled: false, reason: 'refund of no charge or payment intent (not a sale this platform records)' };
  }
  return { handled: true, messages: [refundMessage(event, integration, refund, 'data.object')], mappingSubject: refund, tags: [] };
}

/**
 * `charge.refunded`: since API version 2022-11-15 the Charge carries only `amount_refunded`
 * (the running total); older versions also embed `refunds.data`. Both become entries of the
 * ledger: each embedded Refund under its `re_` id, the running total under the charge.
 */
function chargeRefunded(event: StripeEvent, integration: IntegrationContext): WebhookTranslation {
  const charge = event.data.object;
  const chargeId = requireString(charge.id, 'data.object.id');
  const transactionId = idOf(charge.payment_intent) ?? chargeId;
  const currency = requireCurrency(charge.currency, 'data.object.currency');
  const messages: RefundMessage[] = [];
  const embedded = isRecord(charge.refunds) && Array.isArray(charge.refunds.data) ? charge.refunds.data : [];
  for (const [index, refund] of embedded.entries()) {
    if (!isRecord(refund)) throw new MalformedWebhookError(`data.object.refunds.data.${index} is not an object`);
    if (refund.status === 'pending' || refund.status === 'requires_action') continue;
    messages.push(refundMessage(event, integration, refund, `data.object.refunds.data.${index}`, { transactionId, chargeId }));
  }
  const runningTotal = stripeAmountToDecimal(charge.amount_refunded, currency, 'data.object.amount_refunded');
  // A complete embedded list (older API versions, `has_more: false`) whose succeeded refunds add
  // up to the running total already says everything; otherwise the running total is an entry too.
  const complete = isRecord(charge.refunds) && charge.refunds.has_more === false;
  const listed = messages.reduce((sum, m) => sum + (m.refund_status === 'succeeded' ? stripeMinorUnits(m.amount) : 0n), 0n);
  const explained = complete && embedded.length > 0 && listed === stripeMinorUnits(runningTotal);
  if (charge.amount_refunded !== 0 && !explained) {
    const key = `amount_refunded:${chargeId}`;
    messages.push({
      ...refundBase(event, integration, transactionId, key),
      amount: runningTotal,
      currency,
      reason: 'refund',
      cumulative: true,
      charge_id: chargeId,
      occurred_at: unixToIso(event.created, 'created'),
    });
  }
  if (messages.length === 0) return { handled: false, reason: 'no refunded amount on the charge' };
  return { handled: true, messages, mappingSubject: charge, tags: [] };
}

/**
 * Disputes. `created` (and `closed` as `lost`, in case `created` was not delivered) take the
 * disputed amount under the dispute's id; `closed` as `won` or `warning_closed` (an inquiry that
 * never became a chargeback) gives it back. `funds_reinstated` is acknowledged only: Stripe also
 * sends it when a LOST dispute on a partially refunded payment returns the overlap, so it is not
 * the decision; `closed` is.
 */
function dispute(event: StripeEvent, integration: IntegrationContext): WebhookTranslation {
  const object = event.data.object;
  const disputeId = requireString(object.id, 'data.object.id');
  if (event.type === 'charge.dispute.funds_reinstated') {
    return { handled: false, reason: 'funds reinstated: charge.dispute.closed carries the outcome' };
  }
  const status = String(object.status);
  const reinstates = event.type === 'charge.dispute.closed' && (status === 'won' || status === 'warning_closed');
  if (event.type === 'charge.dispute.closed' && !reinstates && status !== 'lost') {
    return { handled: false, reason: `dispute closed with status ${status}` };
  }
  const transactionId = idOf(object.payment_intent) ?? requireString(idOf(object.charge), 'data.object.charge');
  const currency = requireCurrency(object.currency, 'data.object.currency');
  const amount = stripeAmountToDecimal(object.amount, currency, 'data.object.amount');
  const key = reinstates ? `${disputeId}:won` : disputeId;
  const message: RefundMessage = {
    ...refundBase(event, integration, transactionId, key),
    amount,
    currency,
    reason: reinstates ? 'dispute_won' : 'dispute',
    dispute_id: disputeId,
    occurred_at: unixToIso(reinstates ? event.created : (object.created ?? event.created), 'data.object.created'),
  };
  return { handled: true, messages: [message], mappingSubject: object, tags: [] };
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
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
      return checkoutSession(event, integration);
    case 'invoice.paid':
      return invoicePaid(event, integration);
    case 'charge.refunded':
      return chargeRefunded(event, integration);
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed':
    case 'charge.refund.updated':
      return refundEvent(event, integration);
    case 'charge.dispute.created':
    case 'charge.dispute.closed':
    case 'charge.dispute.funds_reinstated':
      return dispute(event, integration);
    default:
      return { handled: false, reason: `unhandled event type ${event.type}` };
  }
}
