/**
 * Messages on the conversions queue. Producers: `POST /v1/conversions` (source `api`) and the
 * Stripe/Shopify webhook handler. Consumer: the attribute-conversions Lambda. The queue is
 * at-least-once, so the consumer makes every message idempotent in the same transaction as its
 * effect (conversion unique key; `webhook_deliveries` for provider event ids).
 */
import { z } from 'zod';

// Up to 3 decimals (KWD, BHD, ...); whether an amount fits its own currency's minor unit is checked
// with parseAmount(value, currency) where the currency is known.
const decimalString = z.string().regex(/^-?\d{1,8}(\.\d{1,3})?$/, 'a decimal amount with at most 3 decimals');
const isoTimestamp = z.iso.datetime({ offset: true });

export const conversionSources = ['api', 'stripe', 'shopify'] as const;
export type ConversionSource = (typeof conversionSources)[number];

/** A sale, signup or other conversion to attribute and commission. */
/** The lead a conversion carries (lead-generation programmes), as the API accepts it and the queue message holds it. */
export const conversionLeadSchema = z.strictObject({
  external_lead_id: z.string().min(1).max(255),
  first_name: z.string().max(255).optional(),
  last_name: z.string().max(255).optional(),
  email: z.string().max(255).optional(),
  phone: z.string().max(50).optional(),
});

export const conversionMessageSchema = z.strictObject({
  kind: z.literal('conversion'),
  vendor_id: z.number().int().positive(),
  source: z.enum(conversionSources),
  /** Deterministic from (vendor, source, transaction_id, event_type): the same request gets the same receipt. */
  receipt_id: z.uuid(),
  event_type: z.string().min(1).max(100),
  transaction_id: z.string().min(1).max(255),
  event_value: decimalString.optional(),
  currency: z.string().length(3).optional(),
  occurred_at: isoTimestamp,
  /** The `aff_click_id` the shopper arrived with (UUIDv7 minted by the redirect). */
  click_id: z.uuid().optional(),
  cookie_id: z.uuid().optional(),
  customer_id: z.string().max(255).optional(),
  customer_email: z.string().max(255).optional(),
  lead: conversionLeadSchema.optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** Restricts attribution to one campaign (integrations bound to a campaign). */
  campaign_id: z.number().int().positive().optional(),
  /** Recurring sales (Stripe `invoice.paid`) bind to the customer's first attribution. */
  recurring: z.boolean().optional(),
  integration_id: z.number().int().positive().optional(),
  /** Provider event id (Stripe `event.id`, Shopify `X-Shopify-Webhook-Id`), deduped by the consumer. */
  provider_event_id: z.string().max(255).optional(),
  /**
   * Sent by a browser (the first-party beacon, functions/handlers/beacon.ts): only a funnel event
   * type may move the journey; a commissionable type from a browser is ignored, never earns.
   */
  funnel_only: z.literal(true).optional(),
});

/** A full or partial refund, or a dispute, of an earlier sale identified by its transaction id. */
export const refundMessageSchema = z.strictObject({
  kind: z.literal('refund'),
  vendor_id: z.number().int().positive(),
  source: z.enum(conversionSources),
  transaction_id: z.string().min(1).max(255),
  /** This refund's own amount, or with `cumulative` the charge's running total (Stripe `amount_refunded`); absent means the whole sale. */
  amount: decimalString.refine((value) => !value.startsWith('-'), 'a refund amount is not negative').optional(),
  /** `dispute_won`: a dispute closed in the merchant's favour (Stripe `won`/`warning_closed`) voids the dispute `dispute_id`. */
  reason: z.enum(['refund', 'dispute', 'dispute_won']),
  occurred_at: isoTimestamp,
  integration_id: z.number().int().positive().optional(),
  /** Deduped by the consumer (webhook_deliveries): one delivery of one message. */
  provider_event_id: z.string().min(1).max(255),
  /** The provider's currency of `amount` (ISO 4217). */
  currency: z.string().length(3).optional(),
  /**
   * The key of this reversal in the transaction's refund ledger (Stripe `re_...`, `dp_...`, or
   * `amount_refunded:ch_...` for a running total); copies under one key merge instead of adding.
   * Absent: `provider_event_id`.
   */
  refund_key: z.string().min(1).max(255).optional(),
  /** Stripe Refund `status`; only `succeeded` moves money, `failed`/`canceled` void the refund for good. Absent: succeeded. */
  refund_status: z.enum(['pending', 'succeeded', 'failed', 'canceled']).optional(),
  /** The charge a Stripe refund or running total belongs to: running totals and per-refund events meet per charge. */
  charge_id: z.string().min(1).max(255).optional(),
  /** `amount` is the charge's running total refunded (Stripe `amount_refunded`), not one refund. */
  cumulative: z.boolean().optional(),
  /** The provider's dispute id (`dp_...`) for `dispute` and `dispute_won`. */
  dispute_id: z.string().min(1).max(255).optional(),
});

export const conversionQueueMessageSchema = z.discriminatedUnion('kind', [conversionMessageSchema, refundMessageSchema]);

export type ConversionMessage = z.infer<typeof conversionMessageSchema>;
export type RefundMessage = z.infer<typeof refundMessageSchema>;
export type ConversionQueueMessage = z.infer<typeof conversionQueueMessageSchema>;
