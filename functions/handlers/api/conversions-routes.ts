/**
 * Conversions (vendor key): report one (`POST /v1/conversions`, queued for attribution) and read
 * them back with their touches.
 *
 * The receipt is a UUIDv5 of (vendor, source `api`, transaction id, event type), the consumer's
 * unique key, so the same report always gets the same receipt and a repeat changes nothing (it is
 * queued again and the consumer's unique constraint drops it). `GET /v1/conversions/{id}` takes
 * the conversion id or the receipt id; a receipt not processed yet is a 404 (we do not store
 * receipts before the consumer does: retry after a moment).
 *
 * Funnel events (non-commissionable types: page_view, add_to_cart) take the same route and queue;
 * the consumer adds them to the visitor's journey and never makes a conversion of them, so their
 * receipt never resolves to a conversion (docs/campaign-edits-and-events.md).
 */
import { z } from 'zod';
import { createSqsConversionQueue } from '../../adapters/aws/conversion-queue.js';
import { NotFoundError } from '../../platform/http/errors.js';
import { idField, idParam } from '../../platform/http/fields.js';
import { amountValueText, isCurrencyCode } from '../../domain/money/currency.js';
import { amountOut, commissionValueOut } from './campaign-views.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import {
  findConversionForVendor,
  listConversionsForVendor,
  listTouchesOf,
  listUnattributedForVendor,
  type ConversionReadRow,
  type TouchReadRow,
} from '../../repositories/conversions/conversions-read.js';
import { reportConversion } from '../../use-cases/report-conversion.js';
import { conversionLeadSchema } from '../../ports/conversion-message.js';

const createConversionBody = z.strictObject({
  event_type: z.string().trim().min(1).max(100),
  transaction_id: z.string().trim().min(1).max(255),
  /** Up to 3 decimals here; at most as many as the currency has (checked in the handler). */
  event_value: z
    .string()
    .regex(/^\d{1,8}(\.\d{1,3})?$/, 'Expected a decimal string with at most as many decimals as the currency has, e.g. "12.35".')
    .optional(),
  /** ISO 4217; absent means the campaign's currency. A sale in another currency than its campaign's earns nothing. */
  currency: z
    .string()
    .transform((c) => c.toUpperCase())
    .refine((c) => isCurrencyCode(c), { message: 'Expected an ISO 4217 currency code, e.g. "USD", "EUR", "JPY".' })
    .optional(),
  occurred_at: z.iso.datetime({ offset: true }).optional(),
  /** The `aff_click_id` the shopper arrived with. */
  click_id: z.uuid().optional(),
  cookie_id: z.uuid().optional(),
  customer_id: z.string().trim().min(1).max(255).optional(),
  customer_email: z.email().max(255).optional(),
  campaign_id: idField.optional(),
  lead: conversionLeadSchema.optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

const touchOut = z.object({
  touch_id: z.number().int(),
  partner_id: z.number().int(),
  campaign_version_id: z.number().int(),
  touch_type: z.string(),
  touch_value: z.string().nullable(),
  weight: z.string().nullable(),
  attribution_type: z.string(),
  attribution_confidence: z.string().nullable(),
  click_id: z.string().nullable(),
  occurred_at: z.string(),
});

const conversionOut = z.object({
  conversion_event_id: z.number().int(),
  receipt_id: z.string(),
  source: z.string(),
  event_type: z.string(),
  transaction_id: z.string().nullable(),
  partner_id: z.number().int(),
  campaign_id: z.number().int(),
  campaign_version_id: z.number().int(),
  status: z.string(),
  event_value: z.string().nullable(),
  currency: z.string().describe('ISO 4217 currency of event_value, refunded_amount, commission_amount and touch_value'),
  refunded_amount: z.string(),
  commission_amount: z.string().nullable(),
  commission_type: z.string().nullable(),
  commission_value: z.string().nullable(),
  attribution_type: z.string(),
  attribution_confidence: z.string().nullable(),
  click_id: z.string().nullable(),
  cookie_id: z.string().nullable(),
  customer_id: z.string().nullable(),
  rejection_reason: z.string().nullable(),
  occurred_at: z.string(),
  recorded_at: z.string(),
  approved_at: z.string().nullable(),
  rejected_at: z.string().nullable(),
  commission_basis: z
    .object({
      source: z.string().nullable().describe('What decided the commission: override, rule, tier, reward, campaign or event-type default, or none'),
      explanation: z.string().nullable().describe('One sentence, recorded when the commission was calculated: "why did I get $5?"'),
      commission_rule_id: z.number().int().nullable(),
      reward_id: z.number().int().nullable(),
      campaign_tier_id: z.number().int().nullable(),
      partner_campaign_override_id: z.number().int().nullable(),
    })
    .describe('Recorded at calculation time, never recomputed: later edits to the campaign do not change it'),
  touches: z.array(touchOut),
});

/** Amounts in the conversion's own currency's decimals ("5000" JPY, "10.00" USD), a rate in 2. */
function conversionView(row: ConversionReadRow, touches: TouchReadRow[]) {
  const {
    vendor_id: _vendor,
    commission_source,
    commission_explanation,
    applied_commission_rule_id,
    reward_id,
    campaign_tier_id,
    partner_campaign_override_id,
    ...rest
  } = row;
  const id = (value: string | number | null) => (value === null ? null : Number(value));
  const money = (value: string | null) => (value === null ? null : amountOut(value, row.currency));
  return {
    ...rest,
    event_value: money(row.event_value),
    refunded_amount: amountOut(row.refunded_amount, row.currency),
    commission_amount: money(row.commission_amount),
    commission_value: row.commission_type === null ? row.commission_value : commissionValueOut(row.commission_type, row.commission_value, row.currency),
    commission_basis: {
      source: commission_source,
      explanation: commission_explanation,
      commission_rule_id: id(applied_commission_rule_id),
      reward_id: id(reward_id),
      campaign_tier_id: id(campaign_tier_id),
      partner_campaign_override_id: id(partner_campaign_override_id),
    },
    touches: touches
      .filter((t) => t.conversion_event_id === row.conversion_event_id)
      .map(({ conversion_event_id: _c, ...t }) => ({ ...t, touch_value: money(t.touch_value) })),
  };
}

const unattributedOut = z.object({
  unattributed_conversion_id: z.number().int(),
  source: z.string(),
  transaction_id: z.string().nullable(),
  event_type: z.string(),
  event_value: z.string().nullable().describe("In the currency's decimals (with all 3 when finer: an amount refused for its decimals)"),
  currency: z.string(),
  reason: z.string().describe('currency_mismatch, amount_exceeds_currency_decimals, unknown_currency, no_click_in_window, …'),
  refusal: z.string().nullable(),
  occurred_at: z.string().nullable(),
  received_at: z.string(),
});

const conversionIdParams = z.object({
  id: z.union([idParam, z.uuid().transform((u) => u.toLowerCase())]),
});

export const conversionRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/conversions',
    operationId: 'reportConversion',
    auth: 'vendor',
    summary:
      'Report a conversion or a funnel event; 202 with a receipt (the same transaction and event type again returns the same receipt). Non-commissionable types (page_view, add_to_cart) only move the visitor\'s funnel journey',
    tags: ['conversions'],
    body: createConversionBody,
    responses: {
      202: { description: 'Accepted for attribution', schema: z.object({ receipt_id: z.string(), status: z.literal('accepted') }) },
    },
    handler: async ({ deps, auth, body, now }) => {
      const queue = createSqsConversionQueue({ client: deps.sqs, queueUrl: deps.config.queueUrls.conversions });
      const { receiptId } = await reportConversion({ sql: deps.sql, queue, vendorId: auth.vendorId, report: body, now });
      return ok({ receipt_id: receiptId, status: 'accepted' }, 202);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/conversions',
    operationId: 'listConversions',
    auth: 'vendor',
    summary: "The vendor's conversions, newest first, with their touches",
    tags: ['conversions'],
    query: z.strictObject({
      ...pageQueryShape,
      status: z.enum(['pending', 'approved', 'rejected', 'paid']).optional(),
      partner_id: idParam.optional(),
      campaign_id: idParam.optional(),
    }),
    responses: { 200: { description: 'A page of conversions', schema: pageSchema(conversionOut) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listConversionsForVendor(deps.sql, {
        vendor_id: auth.vendorId,
        status: query.status,
        partner_id: query.partner_id,
        campaign_id: query.campaign_id,
        before_id: cursor?.id,
        limit: query.limit,
      });
      const touches = await listTouchesOf(deps.sql, rows.slice(0, query.limit).map((r) => r.conversion_event_id));
      return ok(toPage(rows, query.limit, (r) => ({ id: r.conversion_event_id }), (r) => conversionView(r, touches)));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/unattributed-conversions',
    operationId: 'listUnattributedConversions',
    auth: 'vendor',
    summary: 'Conversions kept without a partner or a commission (no click, a currency other than the campaign\'s, …), newest first, with the reason',
    tags: ['conversions'],
    query: z.strictObject({ ...pageQueryShape, reason: z.string().min(1).max(100).optional() }),
    responses: { 200: { description: 'A page of unattributed conversions', schema: pageSchema(unattributedOut) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listUnattributedForVendor(deps.sql, { vendor_id: auth.vendorId, reason: query.reason, before_id: cursor?.id, limit: query.limit });
      return ok(
        toPage(rows, query.limit, (r) => ({ id: Number(r.unattributed_conversion_id) }), (r) => ({
          ...r,
          unattributed_conversion_id: Number(r.unattributed_conversion_id),
          event_value: r.event_value === null ? null : amountValueText(r.event_value, r.currency),
        })),
      );
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/conversions/{id}',
    operationId: 'getConversion',
    auth: 'vendor',
    summary: 'One conversion by conversion_event_id or receipt_id (404 until the receipt is processed)',
    tags: ['conversions'],
    params: conversionIdParams,
    responses: { 200: { description: 'The conversion with its touches', schema: conversionOut } },
    handler: async ({ deps, auth, params }) => {
      const row = await findConversionForVendor(deps.sql, {
        vendor_id: auth.vendorId,
        ...(typeof params.id === 'number' ? { conversion_event_id: params.id } : { receipt_id: params.id }),
      });
      if (!row) throw new NotFoundError('Conversion not found (a receipt appears once processed; retry shortly).');
      return ok(conversionView(row, await listTouchesOf(deps.sql, [row.conversion_event_id])));
    },
  }),
];
