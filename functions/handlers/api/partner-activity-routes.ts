/**
 * The partner portal's reads the other partner routes do not give: the conversions the partner
 * has a share in (status and their part of the split) and their activity per day of their own
 * time zone (the dashboard's charts). Read-only; amounts per currency, in the currency's own decimals.
 */
import { z } from 'zod';
import { ValidationError } from '../../domain/errors.js';
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

/**
 * An IANA zone name the platform's own tzdata knows (`Intl` throws RangeError otherwise). Only
 * `UTC` or Area/Location names: PostgreSQL reads a bare abbreviation as a fixed offset ("CET",
 * "PST" without DST) where `Intl` takes a zone with DST, and "+05:30" with POSIX's inverted sign.
 */
function isTimeZoneName(value: string): boolean {
  if (value !== 'UTC' && !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)+$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const timeZoneField = z
  .string()
  .max(64)
  .refine(isTimeZoneName, { message: 'Expected an IANA time zone name, e.g. "America/Los_Angeles", "Asia/Kolkata" or "UTC".' });

/** The calendar date of `now` in `timeZone`, `YYYY-MM-DD`: the zone's rules come from `Intl`, no offset math here. */
function localDateOf(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The `days` local dates of `timeZone` ending with today's there, oldest first (calendar days, whatever their length). */
function localDaysEnding(now: Date, days: number, timeZone: string): string[] {
  const [year, month, day] = localDateOf(now, timeZone).split('-').map(Number) as [number, number, number];
  // Date.UTC is only a calendar here (no zone): it rolls months and years over.
  return Array.from({ length: days }, (_, i) => new Date(Date.UTC(year, month - 1, day - (days - 1 - i))).toISOString().slice(0, 10));
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
    summary:
      "The caller's counted clicks, conversions and earnings per day in `time_zone` (the dashboard's charts); every day of the window is listed",
    tags: ['partner'],
    query: z.strictObject({
      days: z.coerce.number().int().min(1).max(366).default(30).describe('Days ending today in `time_zone`'),
      time_zone: timeZoneField.default('UTC').describe('IANA time zone whose calendar days the activity is counted in; default UTC'),
    }),
    responses: {
      200: {
        description: 'Daily series',
        schema: z.object({
          time_zone: z.string().describe('The time zone the days are in (as asked, or UTC)'),
          days: z.array(z.object({ day: z.string().describe('YYYY-MM-DD in `time_zone`'), clicks: z.number().int(), conversions: z.number().int() })),
          earnings: z
            .array(z.object({ currency: z.string(), commission: z.array(z.string()).describe('One amount per entry of `days`') }))
            .describe('Per currency (amounts of two currencies are never added); rejected conversions earn nothing'),
        }),
      },
    },
    handler: async ({ deps, auth, query, now }) => {
      const timeZone = query.time_zone;
      const days = localDaysEnding(now, query.days, timeZone);
      const activity = await partnerDailyActivity(deps.sql, {
        partner_id: auth.partnerId,
        first_day: days[0]!,
        last_day: days.at(-1)!,
        time_zone: timeZone,
      }).catch((error: unknown) => {
        // A name this runtime's Intl knows but the database's tzdata does not (the two ship apart).
        if (error instanceof Error && /time zone .* not recognized/.test(error.message)) {
          throw new ValidationError(`Invalid query: query.time_zone - the database does not know the time zone "${timeZone}".`, [
            { path: 'query.time_zone', message: 'Unknown to the database; use another IANA name for the same zone.' },
          ]);
        }
        throw error;
      });
      const counts = new Map(activity.counts.map((row) => [row.day, row]));
      const currencies = [...new Set(activity.earnings.map((row) => row.currency))].sort();
      const earned = new Map(activity.earnings.map((row) => [`${row.day} ${row.currency}`, row.commission]));
      return ok({
        time_zone: timeZone,
        days: days.map((day) => ({ day, clicks: counts.get(day)?.clicks ?? 0, conversions: counts.get(day)?.conversions ?? 0 })),
        earnings: currencies.map((currency) => ({
          currency,
          commission: days.map((day) => amountOut(earned.get(`${day} ${currency}`) ?? '0', currency)),
        })),
      });
    },
  }),
];
