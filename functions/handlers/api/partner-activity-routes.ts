/**
 * The partner portal's reads the other partner routes do not give: the conversions the partner
 * has a share in (status and their part of the split) and their activity per UTC day (the
 * dashboard's charts). Read-only; amounts per currency, in the currency's own decimals.
 */
import { z } from 'zod';
import { idField } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { listPartnerConversions, partnerDailyActivity } from '../../repositories/partners/partner-activity.js';
import { amountOut } from './campaign-views.js';

const partnerConversionOut = z.object({
  conversion_event_id: idField,
  campaign_id: idField,
  campaign_name: z.string(),
  event_type: z.string(),
  status: z.enum(['pending', 'approved', 'rejected', 'paid']),
  event_value: z.string().nullable(),
  currency: z.string().describe('ISO 4217 currency of every amount of the conversion'),
  refunded_amount: z.string(),
  commission_amount: z.string().nullable().describe("The sale's whole commission, every partner's touches together"),
  partner_commission: z.string().nullable().describe("This partner's part of commission_amount"),
  attribution_type: z.string(),
  touch_count: z.number().int().describe("Touches the commission is split across (every partner's)"),
  partner_touch_count: z.number().int().describe("This partner's touches among them"),
  occurred_at: z.string(),
  approved_at: z.string().nullable(),
  rejection_reason: z.string().nullable(),
});

const DAY_MS = 86_400_000;

/** The `days` UTC dates ending with today's, oldest first. */
function utcDaysEnding(now: Date, days: number): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
}

export const partnerActivityRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/partner/conversions',
    operationId: 'listPartnerConversions',
    auth: 'partner',
    summary: "The conversions the caller has a share in, newest first, with the status and the caller's part of the split",
    tags: ['partner'],
    query: z.strictObject({ ...pageQueryShape, status: z.enum(['pending', 'approved', 'rejected', 'paid']).optional() }),
    responses: { 200: { description: 'A page of conversions', schema: pageSchema(partnerConversionOut) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listPartnerConversions(deps.sql, { partner_id: auth.partnerId, status: query.status, before_id: cursor?.id, limit: query.limit });
      return ok(
        toPage(
          rows,
          query.limit,
          (row) => ({ id: row.conversion_event_id }),
          (row) => {
            const currency = row.currency.trim();
            const money = (value: string | null) => (value === null ? null : amountOut(value, currency));
            return {
              ...row,
              status: row.status as 'pending' | 'approved' | 'rejected' | 'paid',
              currency,
              event_value: money(row.event_value),
              refunded_amount: amountOut(row.refunded_amount, currency),
              commission_amount: money(row.commission_amount),
              partner_commission: money(row.partner_commission),
            };
          },
        ),
      );
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/partner/activity',
    operationId: 'getPartnerActivity',
    auth: 'partner',
    summary: "The caller's counted clicks, conversions and earnings per UTC day (the dashboard's charts); every day of the window is listed",
    tags: ['partner'],
    query: z.strictObject({ days: z.coerce.number().int().min(1).max(366).default(30).describe('Days ending today (UTC)') }),
    responses: {
      200: {
        description: 'Daily series',
        schema: z.object({
          days: z.array(z.object({ day: z.string().describe('YYYY-MM-DD, UTC'), clicks: z.number().int(), conversions: z.number().int() })),
          earnings: z
            .array(z.object({ currency: z.string(), commission: z.array(z.string()).describe('One amount per entry of `days`') }))
            .describe('Per currency (amounts of two currencies are never added); rejected conversions earn nothing'),
        }),
      },
    },
    handler: async ({ deps, auth, query, now }) => {
      const days = utcDaysEnding(now, query.days);
      const from = new Date(`${days[0]}T00:00:00Z`);
      const to = new Date(Date.parse(`${days.at(-1)}T00:00:00Z`) + DAY_MS);
      const activity = await partnerDailyActivity(deps.sql, { partner_id: auth.partnerId, from, to });
      const counts = new Map(activity.counts.map((row) => [row.day, row]));
      const currencies = [...new Set(activity.earnings.map((row) => row.currency))].sort();
      const earned = new Map(activity.earnings.map((row) => [`${row.day} ${row.currency}`, row.commission]));
      return ok({
        days: days.map((day) => ({ day, clicks: counts.get(day)?.clicks ?? 0, conversions: counts.get(day)?.conversions ?? 0 })),
        earnings: currencies.map((currency) => ({
          currency,
          commission: days.map((day) => amountOut(earned.get(`${day} ${currency}`) ?? '0', currency)),
        })),
      });
    },
  }),
];
